"""Back-office pages of activity records (活动记录): the list with its filters, totals and export,
recording an activity, an activity's page (photos, volunteers who attended and their hours,
ratings, the satisfaction QR code and its printable card, history), and the actions: add a
photo, take attendance.

Staff see the activities held in their region; an organization's account sees its own and
records for its own organization. Anything out of reach answers 404."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.db.models import Avg, Count, Exists, OuterRef, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from peiyu.accounts.models import User
from peiyu.activities import satisfaction
from peiyu.activities.forms.activities import ActivityFilterForm, ActivityForm, AttendanceForm, PhotoForm
from peiyu.activities.models import Activity, ActivityEvent, ActivityPhoto, ActivityQuerySet
from peiyu.activities.services import activities as services
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.options import value_of
from peiyu.core.paging import paginate, query_without_page
from peiyu.core.scoping import in_subtree
from peiyu.funding.models import Contract, ContractStatus
from peiyu.lib.qr import svg_response
from peiyu.lib.xlsx import sheets_bytes, xlsx_response
from peiyu.orgs.models import Organization, Status
from peiyu.people.models import Volunteer
from peiyu.regions.models import Level, Region

VIEW = "activities.view_activity"
ADD = "activities.add_activity"
CHANGE = "activities.change_activity"
EXPORT_LIMIT = 10_000
YEARS_BACK = 10
# Funded projects an activity can still belong to: signed ones, in delivery or with payment
# stopped after a failed evaluation (the services go on while it is put right).
ACTIVE_CONTRACTS = [ContractStatus.SIGNED, ContractStatus.STOPPED]


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


def _posted(request: HttpRequest) -> Any:
    """The POST data, even empty (an empty POST is a form sent blank: show its errors)."""
    return request.POST if request.method == "POST" else None


def _is_staff(user: User) -> bool:
    return bool(user.is_superuser or user.is_staff_account)


def _visible(user: User) -> ActivityQuerySet:
    return Activity.objects.visible_to(user)


def _activity(request: HttpRequest, pk: int) -> Activity:
    found: Activity = (
        _visible(_user(request))
        .select_related(
            "organization",
            "region",
            "region__parent",
            "field",
            "contract",
            "contract__application",
            "recorded_by",
        )
        .get_or_404(pk=pk)
    )
    return found


def _link(request: HttpRequest, activity: Activity) -> str:
    return request.build_absolute_uri(reverse("portal:rate", args=[activity.feedback_token]))


# The list


def _towns(user: User) -> list[tuple[str, str]]:
    if _is_staff(user):
        towns = Region.objects.visible_to(user)
    else:
        counties = {
            code[:6]
            for code in Organization.objects.filter(accounts=user).values_list("region_id", flat=True)
        }
        if not counties:
            return []
        where = Q()
        for county in counties:
            where |= in_subtree(county, "code")
        towns = Region.objects.filter(where)
    return list(towns.filter(level=Level.TOWN).order_by("code").values_list("code", "name"))


def _organizations(visible: ActivityQuerySet) -> list[tuple[int, str]]:
    """The organizations with an activity in sight, one index probe each."""
    held = visible.filter(organization=OuterRef("pk")).order_by()
    return list(Organization.objects.filter(Exists(held)).order_by("name").values_list("pk", "name")[:500])


def _filter_form(request: HttpRequest, visible: ActivityQuerySet) -> ActivityFilterForm:
    user, year = _user(request), timezone.localdate().year
    return ActivityFilterForm(
        request.GET,
        towns=_towns(user),
        years=list(range(year, year - YEARS_BACK, -1)),
        organizations=_organizations(visible),
    )


def _listing(rows: ActivityQuerySet) -> ActivityQuerySet:
    return rows.select_related("organization", "region", "region__parent", "field", "contract")


@login_required
@permission_required(VIEW, raise_exception=True)
def activity_list(request: HttpRequest, pk: int = 0) -> HttpResponse:
    visible = _visible(_user(request))
    form = _filter_form(request, visible)
    matching = form.filter(visible)
    query = query_without_page(request)
    context = {
        "form": form,
        "filtering": form.filtering,
        "page": paginate(request, _listing(matching)),
        "query": query,
        "figures": matching.figures(),
    }
    return render(request, "activities/activity_list.html", context)


def _place(activity: Activity) -> tuple[str, str]:
    """The town and the village of an activity (one held for a whole town has no village)."""
    region = activity.region
    if region.level == Level.VILLAGE:
        return (region.parent.name if region.parent else ""), region.name
    return region.name, ""


def _time(moment: datetime.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%H:%M") if moment else ""


def _export(rows: Sequence[Activity]) -> HttpResponse:
    headers = [
        _("Held on"),
        _("Starts at"),
        _("Ends at"),
        _("Title"),
        _("Kind"),
        _("Organization"),
        _("Town"),
        _("Village or community"),
        _("Place"),
        _("Field"),
        _("People served"),
        _("Groups served"),
        _("Funded project"),
        _("Volunteers"),
        _("Ratings"),
        _("Average rating"),
        _("What was done"),
    ]
    values = [
        (
            a.held_on,
            _time(a.starts_at),
            _time(a.ends_at),
            a.title,
            a.get_kind_display(),
            a.organization.name if a.organization else _("Held by the village or town itself"),
            *_place(a),
            a.place,
            a.field.name if a.field else "",
            a.beneficiaries,
            "、".join(g.name for g in a.target_groups.all()),
            a.contract.number if a.contract else "",
            a.volunteers,  # type: ignore[attr-defined]
            a.rating_count,  # type: ignore[attr-defined]
            round(a.rating_average, 2) if a.rating_average is not None else "",  # type: ignore[attr-defined]
            a.description,
        )
        for a in rows
    ]
    return xlsx_response("活动记录.xlsx", sheets_bytes([(_("Activity records"), headers, values)]))


@login_required
@permission_required(VIEW, raise_exception=True)
def activity_export(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The filtered list as a spreadsheet, with each activity's volunteers and ratings."""
    visible = _visible(_user(request))
    rows = (
        _listing(_filter_form(request, visible).filter(visible))
        .annotate(
            volunteers=Count("attendance", distinct=True),
            rating_count=Count("ratings", distinct=True),
            # Every rating row is repeated once per attendance row alike: the average holds.
            rating_average=Avg("ratings__rating"),
        )
        .prefetch_related("target_groups")
    )
    listed = list(rows[: EXPORT_LIMIT + 1])
    if len(listed) > EXPORT_LIMIT:
        messages.error(
            request, _("Narrow the list to %(limit)d rows or fewer to export it.") % {"limit": EXPORT_LIMIT}
        )
        return redirect(f"{reverse('activities:activity-list')}?{query_without_page(request)}")
    return _export(listed)


# Recording an activity


def _choices(user: User) -> dict[str, Any]:
    """What the user may record: staff any village or town of their region, for no
    organization or any of their county's; an organization's account for its own, in the
    villages and towns of its own county."""
    organizations = Organization.objects.filter(status=Status.ACTIVE)
    if _is_staff(user):
        regions = Region.objects.visible_to(user)
        if user.region_id:
            organizations = organizations.filter(in_subtree(user.region_id[:6]))
    else:
        organizations = organizations.filter(accounts=user)
        where = Q(pk__in=[])
        for code in organizations.values_list("region_id", flat=True):
            where |= in_subtree(code[:6], "code")
        regions = Region.objects.filter(where)
    contracts = Contract.objects.filter(
        application__organization__in=organizations.values("pk"), status__in=ACTIVE_CONTRACTS
    ).select_related("application", "application__organization")
    return {
        "regions": regions,
        "organizations": organizations.order_by("name"),
        "contracts": contracts.order_by("number"),
        "own": not _is_staff(user),
    }


def _initial(user: User, choices: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {"held_on": timezone.localdate(), "beneficiaries": 0}
    if user.region and user.region.level == Level.VILLAGE:
        initial["region"] = user.region_id
    if choices["own"]:
        own = choices["organizations"].first()
        if own is not None:
            initial.update(organization=own, region=own.region_id)
    return initial


@login_required
@permission_required(ADD, raise_exception=True)
def activity_create(request: HttpRequest, pk: int = 0) -> HttpResponse:
    user = _user(request)
    choices = _choices(user)
    form = ActivityForm(_posted(request), initial=_initial(user, choices), **choices)
    if request.method == "POST" and form.is_valid():
        try:
            activity = services.record_activity(**form.values(), by=user)
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The activity was recorded. Add its photos and who attended below."))
            return redirect("activities:activity-detail", pk=activity.pk)
    return render(request, "activities/activity_form.html", {"form": form})


# An activity's page


def _photo_form(activity: Activity, data: Any = None, files: Any = None) -> PhotoForm:
    max_mb = value_of("supervision.photo_max_mb", activity.region_id)
    return PhotoForm(data, files, max_bytes=int(float(max_mb) * 1024 * 1024))


def _detail_context(request: HttpRequest, activity: Activity, **extra: Any) -> dict[str, Any]:
    user = _user(request)
    may_change = user.has_perm(CHANGE)
    photos = list(activity.photos.defer("content").order_by("pk"))
    events = ActivityEvent.objects.filter(subject="activity", subject_id=activity.pk)
    context = {
        "activity": activity,
        "town": _place(activity)[0],
        "target_groups": list(activity.target_groups.all()),
        "photos": photos,
        "attendance": list(
            activity.attendance.select_related("volunteer", "service_record").order_by("volunteer__name")
        ),
        "ratings": satisfaction.summary(activity.ratings.all()),
        "link": _link(request, activity),
        "events": events.select_related("actor").order_by("at", "id"),
        "may_change": may_change,
        "photo_form": _photo_form(activity) if may_change and len(photos) < services.MAX_PHOTOS else None,
        "max_photos": services.MAX_PHOTOS,
        "takes_attendance": bool(activity.organization_id and activity.starts_at and activity.ends_at),
    }
    return context | extra


@login_required
@permission_required(VIEW, raise_exception=True)
def activity_detail(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The activity's page; ``?print=card`` gives the A4 card with the rating QR code."""
    activity = _activity(request, pk)
    if request.GET.get("print") == "card":
        context = {"activity": activity, "link": _link(request, activity)}
        return render(request, "activities/activity_card.html", context)
    return render(request, "activities/activity_detail.html", _detail_context(request, activity))


@login_required
@permission_required(VIEW, raise_exception=True)
def activity_photo(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """A photo of an activity the user may see; served as stored, never sniffed."""
    photo = get_object_or_404(ActivityPhoto, pk=pk, activity__in=_visible(_user(request)).values("pk"))
    response = HttpResponse(bytes(photo.content), content_type=photo.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@permission_required(VIEW, raise_exception=True)
def activity_qr(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """The QR code of the activity's rating form on the portal, as SVG."""
    activity = _activity(request, pk)
    return svg_response(_link(request, activity))


# Actions


@login_required
@permission_required(CHANGE, raise_exception=True)
@require_POST
def activity_photo_add(request: HttpRequest, pk: int = 0) -> HttpResponse:
    activity = _activity(request, pk)
    form = _photo_form(activity, request.POST, request.FILES)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.add_photo(activity, data=data["photo"], caption=data["caption"], by=_user(request))
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error("photo", str(error))
        else:
            messages.success(request, _("The photo was added, without its location and camera data."))
            return redirect("activities:activity-detail", pk=activity.pk)
    context = _detail_context(request, activity, photo_form=form)
    return render(request, "activities/activity_detail.html", context)


def _candidates(activity: Activity) -> QuerySet[Volunteer]:
    """The volunteers who serve with the activity's organization and are not yet listed."""
    if activity.organization_id is None:
        return Volunteer.objects.none()
    listed = activity.attendance.values("volunteer_id")
    return (
        Volunteer.objects.filter(enrollments__organization_id=activity.organization_id)
        .exclude(pk__in=listed)
        .order_by("name", "pk")
    )


@login_required
@permission_required(CHANGE, raise_exception=True)
def activity_attendance(request: HttpRequest, pk: int = 0) -> HttpResponse:
    """Mark the volunteers who attended: each gets service hours for the activity's span,
    pending the organization's approval."""
    activity = _activity(request, pk)
    form = AttendanceForm(_posted(request), volunteers=_candidates(activity))
    if request.method == "POST" and form.is_valid():
        chosen = list(form.cleaned_data["volunteers"])
        try:
            services.record_attendance(activity, volunteers=chosen, by=_user(request))
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            said = ngettext(
                "%(n)d volunteer was marked as attending; the hours wait for the organization's approval.",
                "%(n)d volunteers were marked as attending; their hours wait for the organization's approval.",
                len(chosen),
            )
            messages.success(request, said % {"n": len(chosen)})
            return redirect("activities:activity-detail", pk=activity.pk)
    listed = activity.attendance.select_related("volunteer", "service_record").order_by("volunteer__name")
    context = {"activity": activity, "form": form, "attendance": listed}
    return render(request, "activities/activity_attendance.html", context)
