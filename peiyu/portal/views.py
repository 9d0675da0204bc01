from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate, query_without_page
from peiyu.orgs import services
from peiyu.orgs.forms import OrganizationFilterForm, PublicFilingForm, StatusLookupForm, region_choices
from peiyu.orgs.models import Application, ApplicationKind, Organization
from peiyu.orgs.views import COUNT_CAP, filtered
from peiyu.people.forms.volunteers import PortalRegistrationForm, VerifyForm
from peiyu.people.models import Certificate, CertificateStatus
from peiyu.people.services.volunteers import register_on_portal
from peiyu.regions.models import Level, Region

# What the portal offers, in the order residents look for it (PRODUCT.md §8); the URL name is
# empty until the capability is built.
SERVICES = [
    (
        "building",
        gettext_lazy("Organization directory"),
        gettext_lazy("Look up registered and filed social organizations, their grades and disclosures."),
        "portal:directory",
    ),
    (
        "file-earmark-plus",
        gettext_lazy("File a community organization"),
        gettext_lazy(
            "Apply to file a new community organization with your town, and follow the application."
        ),
        "portal:apply-filing",
    ),
    (
        "megaphone",
        gettext_lazy("Funding calls"),
        gettext_lazy(
            "Calls for purchase of services and venture-philanthropy rounds, and their public notices."
        ),
        "",
    ),
    (
        "chat-heart",
        gettext_lazy("Raise a need"),
        gettext_lazy("Tell the town and the county what your village or community needs."),
        "",
    ),
    (
        "people",
        gettext_lazy("Volunteer"),
        gettext_lazy("Register as a volunteer, join activities and see your service hours."),
        "portal:volunteer-register",
    ),
    (
        "patch-check",
        gettext_lazy("Verify a service certificate"),
        gettext_lazy("Check a volunteer service certificate by its number."),
        "portal:certificate-lookup",
    ),
    (
        "camera",
        gettext_lazy("Report what you see"),
        gettext_lazy(
            "Tell the civil affairs office about a social organization's wrongdoing, with photos, and follow what it does."
        ),
        "portal:citizen-report",
    ),
    (
        "star",
        gettext_lazy("Rate a service"),
        gettext_lazy("Say how satisfied you were with an activity, a mediation or a project."),
        "",
    ),
]


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the platform offers residents and organizations."""
    villages = Region.objects.filter(level=Level.VILLAGE).count()
    return render(request, "portal/home.html", {"services": SERVICES, "villages": villages})


def directory(request: HttpRequest) -> HttpResponse:
    """The public directory: the back-office's search and filters over public fields."""
    form = OrganizationFilterForm(request.GET)
    organizations = filtered(Organization.objects.public(), form).for_listing()
    context = {
        "form": form,
        "page": paginate(request, organizations, per_page=20, cap=COUNT_CAP),
        "query": query_without_page(request),
    }
    return render(request, "portal/directory.html", context)


def disclosure(request: HttpRequest, pk: int) -> HttpResponse:
    organization = Organization.objects.public().for_detail().get_or_404(pk=pk)
    return render(request, "portal/disclosure.html", {"organization": organization})


def apply_filing(request: HttpRequest) -> HttpResponse:
    regions = region_choices(Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE]))
    form = PublicFilingForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        payload = services.payload_from(form.cleaned_data)
        name, phone = payload.pop("applicant_name"), payload.pop("applicant_phone")
        try:
            application = services.submit_application(
                kind=ApplicationKind.FILING,
                payload=payload,
                region=Region.objects.get(code=payload["region"]),
                applicant_name=name,
                applicant_phone=phone,
                by=request.user if request.user.is_authenticated else None,  # type: ignore[arg-type]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _(
                    "Your application was received. Its reference number is %(reference)s; keep it to follow the application."
                )
                % {"reference": application.reference},
            )
            return redirect(f"{_status_url()}?reference={application.reference}")
    return render(request, "portal/apply_filing.html", {"form": form})


def _status_url() -> str:
    from django.urls import reverse

    return reverse("portal:application-status")


def application_status(request: HttpRequest) -> HttpResponse:
    """Follow an application by its reference number and the phone given with it."""
    form = StatusLookupForm(request.GET if "phone" in request.GET else None, initial=request.GET)
    application = None
    if form.is_bound and form.is_valid():
        application = (
            Application.objects.filter(
                reference=form.cleaned_data["reference"].strip().upper(),
                applicant_phone=form.cleaned_data["phone"].strip(),
            )
            .select_related("organization", "region")
            .first()
        )
        if application is None:
            form.add_error(None, _("No application has this reference number and phone."))
    return render(request, "portal/application_status.html", {"form": form, "application": application})


def volunteer_register(request: HttpRequest) -> HttpResponse:
    """Real-name self-registration (志愿服务条例 第七条), made for a phone."""
    regions = region_choices(Region.objects.filter(level__in=[Level.TOWN, Level.VILLAGE]))
    form = PortalRegistrationForm(request.POST or None, regions=regions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            volunteer = register_on_portal(
                username=data["username"],
                password=data["password"],
                name=data["name"],
                id_number=data["id_number"],
                phone=data["phone"],
                region=Region.objects.get(code=data["region"]),
                skills=list(data["skills"]),
                availability=data["availability"],
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            login(request, volunteer.account, backend="django.contrib.auth.backends.ModelBackend")  # type: ignore[arg-type]
            messages.success(
                request,
                _("Welcome! Your volunteer number is %(number)s.") % {"number": volunteer.number},
            )
            return redirect(request.GET["next"] if _safe(request) else "people:me")
    return render(request, "portal/volunteer_register.html", {"form": form})


def _safe(request: HttpRequest) -> bool:
    target = request.GET.get("next", "")
    return bool(target) and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})


def certificate_lookup(request: HttpRequest) -> HttpResponse:
    form = VerifyForm(request.GET or None)
    if form.is_valid():
        return redirect("portal:certificate-verify", number=form.cleaned_data["number"].strip().upper())
    return render(request, "portal/certificate_verify.html", {"form": form, "searched": False})


def certificate_verify(request: HttpRequest, number: str) -> HttpResponse:
    """What anyone holding a certificate may confirm: that it was issued, to whom (masked),
    for how many hours, by whom and when."""
    certificate = Certificate.objects.filter(number=number, status=CertificateStatus.ISSUED).first()
    context = {
        "form": VerifyForm(initial={"number": number}),
        "certificate": certificate,
        "searched": True,
        "number": number,
    }
    return render(request, "portal/certificate_verify.html", context, status=200 if certificate else 404)
