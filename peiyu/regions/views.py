from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.divisions import CodeError, full_code, prefix_of
from peiyu.regions.forms import RegionFilterForm, RegionForm
from peiyu.regions.models import Level, Region
from peiyu.regions.services import update_region


def _code_or_404(code: str) -> str:
    try:
        return full_code(code)
    except CodeError:
        raise Http404 from None


def _visible_ancestors(region: Region, user: User) -> list[Region]:
    """The breadcrumb: ancestors inside the user's own subtree."""
    if user.is_superuser or not user.region_id:
        return region.ancestors()
    scope = prefix_of(user.region_id)
    return [a for a in region.ancestors() if a.code.startswith(scope)]


@login_required
@permission_required("regions.view_region", raise_exception=True)
def region_list(request: HttpRequest) -> HttpResponse:
    """Search the user's subtree; without a search, open the region the user is bound to."""
    form = RegionFilterForm(request.GET)
    visible = Region.objects.visible_to(request.user)
    searching = form.is_valid() and (form.cleaned_data["q"] or form.cleaned_data["missing"])
    if not searching and request.user.region_id:  # type: ignore[union-attr]
        return redirect("regions:region-detail", code=prefix_of(request.user.region_id))  # type: ignore[union-attr]
    if not searching:
        regions = visible.filter(parent__isnull=True)
    else:
        regions = visible.search(form.cleaned_data["q"]).select_related("parent")
    if searching and form.cleaned_data["missing"] == "population":
        regions = regions.filter(level=Level.VILLAGE, population__isnull=True)
    context = {"form": form, "page": paginate(request, regions), "query": query_without_page(request)}
    return render(request, "regions/region_list.html", context)


@login_required
@permission_required("regions.view_region", raise_exception=True)
def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.visible_to(request.user).get_or_404(code=_code_or_404(code))
    children = (
        Region.objects.visible_to(request.user).children_of(region).annotate(child_count=Count("children"))
    )
    totals = children.aggregate(population=Sum("population"), units=Count("code"))
    context = {
        "region": region,
        "ancestors": _visible_ancestors(region, request.user),  # type: ignore[arg-type]
        "page": paginate(request, children, per_page=100),
        "totals": totals,
        "form": RegionForm(instance=region),
    }
    return render(request, "regions/region_detail.html", context)


@login_required
@permission_required("regions.change_region", raise_exception=True)
def region_edit(request: HttpRequest, code: str) -> HttpResponse:
    region = Region.objects.visible_to(request.user).get_or_404(code=_code_or_404(code))
    form = RegionForm(request.POST or None, instance=region)
    if request.method == "POST" and form.is_valid():
        try:
            update_region(
                region,
                population=form.cleaned_data["population"],
                is_urban=form.cleaned_data["is_urban"],
                seen_version=form.cleaned_data["version"],
                by=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("%(name)s was saved.") % {"name": region.name})
            return redirect("regions:region-detail", code=region.short_code)
    return render(request, "regions/region_form.html", {"region": region, "form": form})
