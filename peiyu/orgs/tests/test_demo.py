"""The registry demo: 溧阳市's organizations as seed 000 plans them, with a workflow history.

Building the demo takes a few seconds, so one test builds it and checks everything."""

from typing import Any

import pytest
from django.core.management import call_command

from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.lib import uscc
from peiyu.orgs.demo import HALL, MARKER, is_real_town, short_name
from peiyu.orgs.models import (
    Application,
    Document,
    DocumentCounter,
    Event,
    Organization,
    Source,
    Status,
)
from peiyu.orgs.todos import applications_to_decide
from peiyu.regions.models import Level, Region
from peiyu.testing import DAIBU, LIYANG, TIANMUHU

ASSOCIATIONS = [
    "溧阳市人民调解协会",
    "溧阳市社区矫正协会",
    "溧阳市法治宣传教育协会",
    "溧阳市企业法律顾问协会",
]


def _snapshot() -> dict[str, Any]:
    return {
        "organizations": sorted(
            Organization.objects.values_list("name", "source", "status", "uscc", "filing_number")
        ),
        "applications": Application.objects.count(),
        "events": Event.objects.count(),
        "documents": Document.objects.count(),
        "counters": sorted(DocumentCounter.objects.values_list("office_id", "series", "year", "last")),
        "hub_links": Organization.hubs.through.objects.count(),
        "users": User.objects.count(),
        "audit": AuditEntry.objects.count(),
    }


@pytest.mark.django_db
def test_demo_builds_the_registry_of_liyang_once(regions: None) -> None:
    call_command("demo", quiet=True, volunteers=50)
    organizations = Organization.objects.all()

    # About 300 organizations, all inside 溧阳市.
    assert 270 <= organizations.count() <= 330
    assert not organizations.exclude(region__code__startswith=LIYANG).exists()

    # The four industry associations of the plan: registered associations with valid codes.
    for name in ASSOCIATIONS:
        association = Organization.objects.get(name=name)
        assert association.source == Source.REGISTERED and association.status == Status.ACTIVE
        assert association.legal_form == "association" and association.development_type == "industry"
        assert association.guidance_unit == "溧阳市司法局"
        assert uscc.validate_civil_affairs(association.uscc, "association") == association.uscc

    # Every registered organization has a valid civil-affairs code of its legal form; every
    # filed one a filing number and no legal form.
    registered = organizations.filter(source=Source.REGISTERED)
    assert registered.count() >= 30
    for organization in registered:
        assert uscc.validate_civil_affairs(organization.uscc, organization.legal_form) == organization.uscc
        assert organization.uscc[2:8] == LIYANG and organization.uscc[8:10] == "MJ"
    assert not organizations.filter(source=Source.FILED, filing_number="").exists()
    assert not organizations.filter(source=Source.FILED).exclude(legal_form="").exists()
    assert organizations.filter(development_type="hub").count() >= 2
    assert Organization.hubs.through.objects.count() >= 10

    # A 百姓议事堂 in more than half of the villages and communities, but not in all.
    villages = [
        v
        for v in Region.objects.subtree(LIYANG).filter(level=Level.VILLAGE).select_related("parent")
        if is_real_town(v.parent)  # type: ignore[arg-type]
    ]
    halls = organizations.filter(name__endswith=HALL)
    with_hall = set(halls.values_list("region_id", flat=True))
    assert with_hall <= {v.code for v in villages}
    assert len(villages) / 2 < len(with_hall) < len(villages)
    for hall in halls.select_related("region"):
        assert hall.name == f"{short_name(hall.region)}{HALL}"
        assert hall.source == Source.FILED and hall.development_type == "grassroots"
        assert hall.guidance_unit.endswith("委员会")

    # Every town has a grassroots organization of its own.
    for town in Region.objects.filter(parent_id=LIYANG.ljust(12, "0")):
        if is_real_town(town):
            assert organizations.filter(development_type="grassroots", name__contains=town.name).exists(), (
                town.name
            )

    # The history: upgrades keep their filing number and gain a code …
    upgraded = organizations.filter(source=Source.REGISTERED).exclude(filing_number="")
    assert upgraded.count() >= 2
    for organization in upgraded:
        assert organization.uscc and organization.events.filter(action="upgraded").exists()
    assert organizations.filter(status=Status.DEREGISTERED).count() == 1
    # … filings decided by the towns, registrations by the county …
    for application in Application.objects.exclude(decided_by=None).select_related("decided_by"):
        officer = application.decided_by
        assert officer is not None
        expected = "county" if application.kind == "registration" else None
        if application.kind == "filing":
            # The town decides: the demo accounts in their towns; the incubation demo's graduates
            # of other towns are filed by those towns' officers.
            assert officer.region is not None and application.region_id.startswith(officer.region.prefix)
            towns = {DAIBU: "daibu", TIANMUHU: "tianmuhu"}
            expected = towns.get(application.region_id[:9])
        if expected:
            assert officer.username == expected, application
    statuses = set(Application.objects.values_list("kind", "status"))
    assert {
        ("filing", "approved"),
        ("filing", "rejected"),
        ("filing", "returned"),
        ("change", "approved"),
    } <= statuses
    assert {("registration", "approved"), ("deregistration", "approved")} <= statuses
    # The registry's own stories; the incubation demo's graduates add their filings on top.
    assert 20 <= Application.objects.filter(residencies__isnull=True).count() <= 30
    # The registry's own documents (the supervision demo issues more, about organizations).
    assert Document.objects.filter(application__isnull=False).count() <= 30
    # … and some waiting, on the to-do lists of the 戴埠镇 officer and the county officer.
    assert Application.objects.filter(status="submitted").count() >= 2
    for username in ("daibu", "county"):
        todos = applications_to_decide(User.objects.get(username=username))
        assert todos and todos[0].count >= 1, username

    # The demo organization account belongs to the 人民调解协会.
    assert list(User.objects.get(username="org").organizations.values_list("name", flat=True)) == [MARKER]

    before = _snapshot()
    call_command("demo", quiet=True, volunteers=50)
    assert _snapshot() == before


def test_short_names_of_villages_and_communities() -> None:
    def name(text: str) -> str:
        return short_name(Region(code="320481103200", name=text, level=Level.VILLAGE))

    assert name("戴南村村委会") == "戴南村"
    assert name("余家坝村委会") == "余家坝村"
    assert name("集镇社区居委会") == "集镇社区"
    assert name("河西居委会") == "河西社区"
    assert name("濑江新村居委会") == "濑江新村"
