from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from peiyu.regions.models import Level, Region

# What the portal offers, in the order residents look for it (PRODUCT.md §8).
SERVICES = [
    (
        "building",
        _("Organization directory"),
        _("Look up registered and filed social organizations, their grades and disclosures."),
    ),
    (
        "megaphone",
        _("Funding calls"),
        _("Calls for purchase of services and venture-philanthropy rounds, and their public notices."),
    ),
    (
        "chat-heart",
        _("Raise a need"),
        _("Tell the town and the county what your village or community needs."),
    ),
    ("people", _("Volunteer"), _("Register as a volunteer, join activities and see your service hours.")),
    (
        "star",
        _("Rate a service"),
        _("Say how satisfied you were with an activity, a mediation or a project."),
    ),
    ("camera", _("Report what you see"), _("Send a photo report about a social organization's activity.")),
]


def home(request: HttpRequest) -> HttpResponse:
    """The public home page: what the platform offers residents and organizations."""
    villages = Region.objects.filter(level=Level.VILLAGE).count()
    return render(request, "portal/home.html", {"services": SERVICES, "villages": villages})
