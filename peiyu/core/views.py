from __future__ import annotations

from datetime import datetime, time

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core import options, services
from peiyu.core.exceptions import DomainError
from peiyu.core.forms import AuditFilterForm, OptionForm
from peiyu.core.models import AuditEntry, AuditEntryQuerySet
from peiyu.core.paging import paginate, query_without_page
from peiyu.core.todos import todos_for
from peiyu.lib.xlsx import workbook_bytes, xlsx_response

EXPORT_LIMIT = 50_000


@login_required
def workbench(request: HttpRequest) -> HttpResponse:
    return render(request, "core/workbench.html", {"todos": todos_for(request.user)})  # type: ignore[arg-type]


def _filtered_audit(request: HttpRequest, form: AuditFilterForm) -> AuditEntryQuerySet:
    entries: AuditEntryQuerySet = AuditEntry.objects.visible_to(request.user).for_listing()
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    entries = entries.search(event=data["event"], actor=data["actor"], text=data["q"])
    zone = timezone.get_current_timezone()
    if data["since"]:
        entries = entries.filter(timestamp__gte=datetime.combine(data["since"], time.min, zone))
    if data["until"]:
        entries = entries.filter(timestamp__lte=datetime.combine(data["until"], time.max, zone))
    return entries


@login_required
@permission_required("core.view_auditentry", raise_exception=True)
def audit_list(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET)
    entries = _filtered_audit(request, form)
    if request.GET.get("format") == "xlsx":
        rows = (
            (e.timestamp, e.event, str(e.actor or ""), e.remote_addr or "", e.object_repr, e.change_summary)
            for e in entries[:EXPORT_LIMIT]
        )
        headers = [_("Time"), _("Event"), _("Actor"), _("IP address"), _("Object"), _("Changes")]
        return xlsx_response("audit.xlsx", workbook_bytes(_("Audit log"), headers, rows))
    context = {"form": form, "page": paginate(request, entries), "query": query_without_page(request)}
    return render(request, "core/auditentry_list.html", context)


@login_required
@permission_required("core.change_optionvalue", raise_exception=True)
def option_list(request: HttpRequest) -> HttpResponse:
    """The local settings of the administrator's region: each value in effect, where it comes
    from, and a form to override it."""
    region = request.user.region  # type: ignore[union-attr]
    if region is None:
        raise PermissionDenied
    form = OptionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.set_option(
                key=form.cleaned_data["key"],
                region=region,
                text=form.cleaned_data["value"],
                by=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The setting was saved."))
            return redirect("core:option-list")
    rows = []
    for option in sorted(options.OPTIONS.values(), key=lambda o: o.key):
        value, source = options.effective(option.key, region.code)
        rows.append(
            {
                "option": option,
                "value": option.show(value),
                "default": option.show(option.default),
                "own": source == region.code,
                "inherited": source is not None and source != region.code,
            }
        )
    return render(request, "core/option_list.html", {"rows": rows, "region": region})
