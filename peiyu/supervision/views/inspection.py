"""Annual inspection, proposals, sanctions, credit lists and standing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import AccountType, User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.paging import paginate, query_without_page
from peiyu.lib.docx import docx_response
from peiyu.orgs.models import Organization
from peiyu.regions.models import Region
from peiyu.supervision import standing as standing_of
from peiyu.supervision.forms.inspection import (
    CampaignForm,
    DecisionForm,
    ProposalDecisionForm,
    RemovalForm,
    ReportForm,
    SanctionForm,
)
from peiyu.supervision.models import (
    AnnualReport,
    Attachment,
    Campaign,
    CreditList,
    Listing,
    ListingStatus,
    Proposal,
    ProposalStatus,
    ReportStatus,
    Sanction,
    SupervisionEvent,
)
from peiyu.supervision.services import credit, inspection


def _user(request: HttpRequest) -> User:
    return request.user  # type: ignore[return-value]


@login_required
@permission_required("supervision.view_campaign", raise_exception=True)
def campaign_list(request: HttpRequest) -> HttpResponse:
    campaigns = Campaign.objects.visible_to(request.user).select_related("authority")
    is_organization = _user(request).account_type == AccountType.ORGANIZATION
    own = {r.campaign_id: r for r in AnnualReport.objects.visible_to(request.user)} if is_organization else {}
    rows = [(campaign, own.get(campaign.pk)) for campaign in campaigns]
    return render(
        request, "supervision/campaign_list.html", {"rows": rows, "is_organization": is_organization}
    )


@login_required
@permission_required("supervision.add_campaign", raise_exception=True)
def campaign_create(request: HttpRequest) -> HttpResponse:
    user = _user(request)
    form = CampaignForm(request.POST or None)
    authority = Region.objects.filter(code=(user.region_id or "")[:6].ljust(12, "0")).first()
    if request.method == "POST" and form.is_valid() and authority is not None:
        try:
            campaign = inspection.open_campaign(
                authority=authority, year=form.cleaned_data["year"], notes=form.cleaned_data["notes"], by=user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The %(year)d annual inspection is open.") % {"year": campaign.year})
            return redirect("supervision:campaign-detail", pk=campaign.pk)
    return render(
        request, "supervision/simple_form.html", {"form": form, "title": _("Open an annual inspection")}
    )


@login_required
@permission_required("supervision.view_campaign", raise_exception=True)
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    campaign = Campaign.objects.visible_to(request.user).select_related("authority").get_or_404(pk=pk)
    if request.method == "POST" and request.POST.get("action") == "close":
        try:
            inspection.close_campaign(campaign, by=_user(request))
        except PermissionRefused as error:
            raise PermissionDenied(str(error)) from None
        except DomainError as error:
            messages.error(request, str(error))
        return redirect("supervision:campaign-detail", pk=pk)
    reports = AnnualReport.objects.visible_to(request.user).filter(campaign=campaign).for_listing()
    status = request.GET.get("status", "")
    if status in ReportStatus.values:
        reports = reports.filter(status=status)
    context = {
        "campaign": campaign,
        "page": paginate(request, reports.order_by("organization__name")),
        "query": query_without_page(request),
        "status": status,
        "statuses": ReportStatus.choices,
        "totals": inspection.totals(campaign),
        "late": timezone.localdate() > campaign.authority_deadline,
    }
    return render(request, "supervision/campaign_detail.html", context)


@login_required
@permission_required("supervision.add_annualreport", raise_exception=True)
def report_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """An organization fills in and submits its report for a campaign."""
    campaign = Campaign.objects.visible_to(request.user).get_or_404(pk=pk)
    report = (
        AnnualReport.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("organization")
        .first()
    )
    if report is None:
        raise Http404
    form = ReportForm(
        request.POST or None, request.FILES or None, instance=report, initial={"version": report.version}
    )
    if request.method == "POST" and form.is_valid():
        values = {key: form.cleaned_data[key] for key in inspection.REPORT_FIELDS}
        try:
            saved = inspection.save_report(
                report, values=values, by=_user(request), seen_version=form.cleaned_data["version"]
            )
            upload = form.cleaned_data.get("attachment")
            if upload:
                Attachment.objects.create(
                    report=saved, name=upload.name[:200], content=upload.read(10 * 1024 * 1024)
                )
            if request.POST.get("submit"):
                inspection.submit_report(saved, by=_user(request))
                messages.success(request, _("The annual report was submitted."))
                return redirect("supervision:report-detail", pk=report.pk)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The draft was saved."))
            return redirect("supervision:report-edit", pk=campaign.pk)
    context = {
        "form": form,
        "report": report,
        "campaign": campaign,
        "editable": report.status in (ReportStatus.DRAFT, ReportStatus.RETURNED),
    }
    return render(request, "supervision/report_form.html", context)


@login_required
@permission_required("supervision.view_annualreport", raise_exception=True)
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = AnnualReport.objects.visible_to(request.user).for_listing().get_or_404(pk=pk)
    form = DecisionForm(request.POST or None, initial={"version": report.version})
    if request.method == "POST":
        if not request.user.has_perm("supervision.decide_report"):
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                if data["action"] == "return":
                    inspection.return_report(
                        report, reason=data["reasons"], by=_user(request), seen_version=data["version"]
                    )
                else:
                    inspection.decide_report(
                        report,
                        conclusion=data["action"],
                        reasons=data["reasons"],
                        by=_user(request),
                        seen_version=data["version"],
                    )
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The decision was recorded."))
            return redirect("supervision:report-detail", pk=pk)
    context = {
        "report": report,
        "form": form,
        "attachments": report.attachments.only("id", "name", "uploaded_at"),
        "events": SupervisionEvent.objects.filter(
            subject="annualreport", subject_id=report.pk
        ).select_related("actor"),
        "can_decide": request.user.has_perm("supervision.decide_report")
        and report.status == ReportStatus.SUBMITTED,
        "history": standing_of.history(report.organization),
    }
    return render(request, "supervision/report_detail.html", context)


@login_required
@permission_required("supervision.view_annualreport", raise_exception=True)
def attachment(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    report = AnnualReport.objects.visible_to(request.user).get_or_404(pk=pk)
    found = report.attachments.filter(pk=attachment).first()
    if found is None:
        raise Http404
    response = HttpResponse(bytes(found.content), content_type="application/octet-stream")
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@permission_required("supervision.view_proposal", raise_exception=True)
def proposal_list(request: HttpRequest) -> HttpResponse:
    proposals = Proposal.objects.visible_to(request.user).select_related(
        "organization", "organization__region"
    )
    status = request.GET.get("status", ProposalStatus.PENDING)
    if status in ProposalStatus.values:
        proposals = proposals.filter(status=status)
    context = {
        "page": paginate(request, proposals),
        "query": query_without_page(request),
        "status": status,
        "statuses": ProposalStatus.choices,
    }
    return render(request, "supervision/proposal_list.html", context)


@login_required
@permission_required("supervision.view_proposal", raise_exception=True)
def proposal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = (
        Proposal.objects.visible_to(request.user).select_related("organization", "document").get_or_404(pk=pk)
    )
    form = ProposalDecisionForm(request.POST or None, initial={"version": proposal.version})
    if request.method == "POST":
        if not request.user.has_perm("supervision.decide_proposal"):
            raise PermissionDenied
        if form.is_valid():
            try:
                credit.decide_proposal(
                    proposal,
                    accept=form.cleaned_data["accept"],
                    note=form.cleaned_data["note"],
                    by=_user(request),
                    seen_version=form.cleaned_data["version"],
                )
            except PermissionRefused as error:
                messages.error(request, str(error))
            except DomainError as error:
                messages.error(request, str(error))
            else:
                messages.success(request, _("The decision was recorded and its document issued."))
                return redirect("supervision:proposal-detail", pk=pk)
    context = {
        "proposal": proposal,
        "form": form,
        "history": standing_of.history(proposal.organization),
        "can_decide": request.user.has_perm("supervision.decide_proposal")
        and proposal.status == ProposalStatus.PENDING,
    }
    return render(request, "supervision/proposal_detail.html", context)


@login_required
@permission_required("supervision.view_proposal", raise_exception=True)
def proposal_document(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = Proposal.objects.visible_to(request.user).select_related("document").get_or_404(pk=pk)
    if proposal.document is None:
        raise Http404
    return docx_response(f"{proposal.document.title}.docx", bytes(proposal.document.content))


@login_required
@permission_required("supervision.record_sanction", raise_exception=True)
def sanction_create(request: HttpRequest, organization: int) -> HttpResponse:
    found = Organization.objects.visible_to(request.user).get_or_404(pk=organization)
    form = SanctionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            credit.record_sanction(organization=found, by=_user(request), **form.cleaned_data)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The sanction was recorded; the rules will weigh it tonight."))
            return redirect("supervision:standing", organization=found.pk)
    return render(
        request,
        "supervision/simple_form.html",
        {"form": form, "title": _("Record a sanction"), "organization": found},
    )


@login_required
@permission_required("supervision.view_listing", raise_exception=True)
def listing_list(request: HttpRequest) -> HttpResponse:
    listings = Listing.objects.visible_to(request.user).select_related("organization", "organization__region")
    kind = request.GET.get("list", "")
    if kind in CreditList.values:
        listings = listings.filter(list=kind)
    status = request.GET.get("status", ListingStatus.LISTED)
    if status in ListingStatus.values:
        listings = listings.filter(status=status)
    context = {
        "page": paginate(request, listings),
        "query": query_without_page(request),
        "kind": kind,
        "status": status,
        "lists": CreditList.choices,
        "statuses": ListingStatus.choices,
    }
    return render(request, "supervision/listing_list.html", context)


@login_required
@permission_required("supervision.view_listing", raise_exception=True)
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    listing = (
        Listing.objects.visible_to(request.user).select_related("organization", "proposal").get_or_404(pk=pk)
    )
    form = RemovalForm(request.POST or None)
    if request.method == "POST":
        if not request.user.has_perm("supervision.manage_listing"):
            raise PermissionDenied
        if form.is_valid():
            data, user = form.cleaned_data, _user(request)
            try:
                if data["action"] == "confirm":
                    credit.confirm_listing(listing, by=user, seen_version=data["version"])
                elif data["action"] == "rectified":
                    credit.record_rectification(listing, on=data["on"] or timezone.localdate(), by=user)
                else:
                    credit.remove_listing(listing, reason=data["reason"] or "", by=user)
            except DomainError as error:
                messages.error(request, str(error))
            return redirect("supervision:listing-detail", pk=pk)
    context = {
        "listing": listing,
        "due": credit.removal_due(listing),
        "expires": credit.expiry_of(listing),
        "events": SupervisionEvent.objects.filter(subject="listing", subject_id=listing.pk).select_related(
            "actor"
        ),
        "can_manage": request.user.has_perm("supervision.manage_listing"),
    }
    return render(request, "supervision/listing_detail.html", context)


@login_required
def standing(request: HttpRequest, organization: int) -> HttpResponse:
    """Is this organization in good standing, and if not, why: the one question other
    capabilities ask."""
    found = Organization.objects.visible_to(request.user).get_or_404(pk=organization)
    context = {
        "organization": found,
        "standing": standing_of.good_standing(found),
        "history": standing_of.history(found),
        "sanctions": Sanction.objects.filter(organization=found)[:20],
        "listings": Listing.objects.filter(organization=found)[:20],
        "proposals": Proposal.objects.filter(organization=found)[:20],
    }
    return render(request, "supervision/standing.html", context)
