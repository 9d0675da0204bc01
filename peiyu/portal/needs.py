"""Needs on the portal (群众需求): a resident raises a need from a phone, gets a reference number,
and follows the office's answer with it. No account needed; the phone is never shown back."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from peiyu.core.exceptions import DomainError
from peiyu.funding.forms.needs import PublicNeedForm, StatusForm
from peiyu.funding.models import Need, NeedSource, NeedStatus
from peiyu.funding.services.needs import submit_need
from peiyu.regions.models import Level, Region

# Where the done page finds the reference number of the need just sent.
SESSION_KEY = "portal_need_reference"
# How far the status page follows a need merged into another (merged needs only join needs
# that stand, so chains are short).
MAX_HOPS = 5


def _counties() -> list[Region]:
    """The counties whose residents may raise needs: those with towns on record."""
    return list(
        Region.objects.filter(level=Level.COUNTY, children__level=Level.TOWN).distinct().order_by("code")
    )


def need_new(request: HttpRequest) -> HttpResponse:
    """The need form, made for a phone. With several counties on record the resident first
    picks the county, so the village list stays short."""
    counties = _counties()
    chosen = request.POST.get("county") or request.GET.get("county", "")
    county = next((c for c in counties if c.code == chosen or c.prefix == chosen), None)
    if county is None and len(counties) == 1:
        county = counties[0]
    if county is None:
        return render(request, "portal/need_county.html", {"counties": counties})
    form = PublicNeedForm(request.POST or None, regions=Region.objects.in_region(county.code))
    if request.method == "POST" and form.is_valid():
        if form.is_robot:
            # Tell a robot nothing: the same page a person sees, with nothing saved.
            request.session[SESSION_KEY] = uuid.uuid4().hex[:10].upper()
            return redirect("portal:need-done")
        data = form.cleaned_data
        try:
            need = submit_need(
                title=data["title"],
                description=data["description"],
                field=data["field"],
                target_group=data["target_group"],
                region=form.place(),
                source=NeedSource.PORTAL,
                submitter_name=data["submitter_name"],
                contact=data["contact"],
                by=None,
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            request.session[SESSION_KEY] = need.reference
            return redirect("portal:need-done")
    return render(
        request, "portal/need_form.html", {"form": form, "county": county, "several": len(counties) > 1}
    )


def need_done(request: HttpRequest) -> HttpResponse:
    reference = request.session.get(SESSION_KEY)
    if not reference:
        return redirect("portal:need-new")
    return render(request, "portal/need_done.html", {"reference": reference})


def _public(**lookup: object) -> Need | None:
    return (
        Need.objects.filter(**lookup)
        .select_related("field", "region", "region__parent")
        .only(
            "reference",
            "title",
            "status",
            "answer",
            "answered_on",
            "created_at",
            "supporters",
            "merged_into",
            "field__name",
            "region__name",
            "region__level",
            "region__parent__name",
        )
        .first()
    )


def need_status(request: HttpRequest) -> HttpResponse:
    """What the resident may see of a need: its state, the answer or the reason, and, once it
    was merged, the need it joined (never a name or a phone)."""
    form = StatusForm(request.GET if "reference" in request.GET else None)
    need = joined = None
    if form.is_bound and form.is_valid():
        need = joined = _public(reference=form.cleaned_data["reference"])
        if need is None:
            form.add_error(None, _("No need has this reference number."))
        for _hop in range(MAX_HOPS):
            if joined is None or joined.status != NeedStatus.MERGED:
                break
            joined = _public(pk=joined.merged_into_id)
    context = {"form": form, "need": need, "joined": joined if joined is not need else None}
    return render(request, "portal/need_status.html", context)
