"""Regressions found on the second read of mediation, activities and satisfaction: a stale
judicial-confirmation or ending form, a late-entered follow-up visit undoing a later finding,
dates before 2000 (year 1 broke the save of a time), identity numbers typed in full-width
digits, parties missing from the audit trail, cases attached to an organization out of the
county or revoked, the figures' export for a month, and a funded project on an activity without
its organization."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO

import pytest
from django.contrib.contenttypes.models import ContentType
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.activities.forms.mediation import SessionForm
from peiyu.activities.models import Activity, CaseStatus, MediationCase, Mediator, Party, Performance
from peiyu.activities.services import activities, mediation
from peiyu.activities.services.mediation import PartyValues
from peiyu.activities.tests.test_mediation import PARTIES, agreed, registered
from peiyu.activities.tests.test_ratings import contract  # noqa: F401 - the signed contract
from peiyu.core.exceptions import DomainError
from peiyu.core.models import AuditEntry
from peiyu.funding.models import Contract
from peiyu.funding.tests.conftest import (  # noqa: F401 - the funding app's fixtures
    advance,
    experts,
    make_round,
    open_round,
    organizations,
)
from peiyu.lib import idcard
from peiyu.orgs.models import Organization
from peiyu.orgs.models import Status as OrganizationStatus
from peiyu.people.tests.conftest import make_organization
from peiyu.regions.models import Region
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, DAIBU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()
ID_NUMBER = idcard.make(region="320481", birth=datetime.date(1970, 3, 1), sequence=12)


def _url(name: str, *args: object) -> str:
    return reverse(f"activities:{name}", args=args)


# Judicial confirmation ---------------------------------------------------------------------------


def test_a_stale_confirmation_form_does_not_undo_the_courts_confirmation(
    login: Login, village_worker: User, daibu_officer: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker), village_worker, mediator)
    applied = case.agreed_on
    assert applied is not None
    client = login(daibu_officer)
    opened = client.get(_url("case-confirmation", case.pk))
    seen = opened.context["form"]["seen_version"].value()
    assert seen == case.version and 'name="seen_version"' in opened.content.decode()
    # Meanwhile the village worker records the court's confirmation.
    mediation.record_confirmation(
        case, applied_on=applied, court="溧阳市人民法院", confirmed_on=TODAY, by=village_worker
    )
    stale = client.post(
        _url("case-confirmation", case.pk),
        {"seen_version": seen, "applied_on": applied.isoformat(), "court": "别的法院", "confirmed_on": ""},
    )
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    case.refresh_from_db()
    assert (case.confirmation_court, case.confirmed_on) == ("溧阳市人民法院", TODAY)
    # Once confirmed, the record is final, whatever version the form carries.
    with pytest.raises(DomainError):
        mediation.record_confirmation(case, applied_on=applied, court="别的法院", by=village_worker)
    case.refresh_from_db()
    assert case.confirmed_on == TODAY


def test_the_application_can_still_be_completed_with_the_courts_confirmation(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker), village_worker, mediator)
    assert case.agreed_on is not None
    mediation.record_confirmation(case, applied_on=case.agreed_on, court="溧阳市人民法院", by=village_worker)
    case.refresh_from_db()
    client = login(village_worker)
    seen = client.get(_url("case-confirmation", case.pk)).context["form"]["seen_version"].value()
    answer = client.post(
        _url("case-confirmation", case.pk),
        {
            "seen_version": seen,
            "applied_on": case.agreed_on.isoformat(),
            "court": "溧阳市人民法院",
            "confirmed_on": TODAY.isoformat(),
        },
    )
    assert answer.status_code == 302
    case.refresh_from_db()
    assert case.confirmed_on == TODAY


def test_a_form_opened_before_the_mediation_started_does_not_end_it(
    login: Login, village_worker: User, daibu_officer: User, mediator: Mediator
) -> None:
    case = registered(village_worker)
    client = login(daibu_officer)
    opened = client.get(_url("case-fail", case.pk))
    seen = opened.context["form"]["seen_version"].value()
    assert seen == case.version and 'name="seen_version"' in opened.content.decode()
    mediation.start_mediation(case, mediators=[mediator], by=village_worker)
    ended = {
        "seen_version": seen,
        "reason": "一方拒绝调解",
        "routes_told": "诉讼",
        "on": TODAY,
        "confirm": "on",
    }
    stale = client.post(_url("case-fail", case.pk), ended)
    assert stale.status_code == 200 and stale.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING
    fresh = client.post(_url("case-fail", case.pk), {**ended, "seen_version": case.version})
    assert fresh.status_code == 302
    case.refresh_from_db()
    assert case.status == CaseStatus.FAILED


# Follow-up visits --------------------------------------------------------------------------------


def test_a_visit_entered_late_for_an_earlier_day_does_not_undo_a_later_finding(
    village_worker: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker), village_worker, mediator, days_ago=10)
    mediation.record_follow_up(
        case, visited_on=TODAY, visitor="周调解", performance="performed", by=village_worker
    )
    mediation.record_follow_up(
        case,
        visited_on=TODAY - datetime.timedelta(days=5),
        visitor="周调解",
        performance="not_performed",
        by=village_worker,
    )
    case.refresh_from_db()
    assert (case.performance, case.performed_on) == (Performance.PERFORMED, TODAY)
    assert case.follow_ups.count() == 2
    assert MediationCase.objects.filter(pk=case.pk).figures()["performed"] == 1


# Dates before 2000 -------------------------------------------------------------------------------


def test_dates_before_2000_are_form_errors_and_never_reach_the_database(
    login: Login, daibu_officer: User, organization: Organization, village_worker: User
) -> None:
    client = login(daibu_officer)
    village = first_village(DAIBU)
    activity = client.post(
        _url("activity-create"),
        {
            "region": village.code,
            "kind": "service",
            "title": "便民服务",
            "held_on": "0001-01-01",
            "starts": "00:10",
            "ends": "00:30",
            "place": "村委会",
            "beneficiaries": "10",
        },
    )
    assert activity.status_code == 200 and "held_on" in activity.context["form"].errors
    assert not Activity.objects.exists()
    case = client.post(
        _url("case-create"),
        {
            "region": village.code,
            "dispute_type": "neighbour",
            "source": "application",
            "summary": "邻里纠纷",
            "registered_on": "0001-01-01",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "2",
            "parties-MAX_NUM_FORMS": "6",
            "parties-0-role": "applicant",
            "parties-0-name": "王大明",
            "parties-1-role": "respondent",
            "parties-1-name": "李小红",
        },
    )
    assert case.status_code == 200 and "registered_on" in case.context["form"].errors
    assert not MediationCase.objects.exists()
    early = {"held_at": "1999-12-31T23:00", "place": "调解室", "participants": "双方", "record": "记录"}
    assert "held_at" in SessionForm(early).errors
    assert SessionForm({**early, "held_at": "2000-01-01T00:00"}).is_valid()


# Parties' personal data --------------------------------------------------------------------------


def test_identity_numbers_typed_in_full_width_are_kept_in_ascii_and_parties_are_audited(
    village_worker: User,
) -> None:
    wide = ID_NUMBER.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789X"})
    assert wide != ID_NUMBER
    case = mediation.register_case(
        region=first_village(DAIBU),
        committee="调委会",
        dispute_type="neighbour",
        source="application",
        summary="纠纷",
        registered_on=TODAY,
        parties=[
            PartyValues(role="applicant", name="王大明", id_number=wide, phone="13912345678"),
            PARTIES[1],
        ],
        by=village_worker,
    )
    assert case.parties.get(name="王大明").id_number == ID_NUMBER
    entries = AuditEntry.objects.filter(content_type=ContentType.objects.get_for_model(Party))
    assert entries.count() == 2 and {e.actor_id for e in entries} == {village_worker.pk}
    logged = str([e.changes for e in entries])
    assert ID_NUMBER not in logged and wide not in logged and "13912345678" not in logged


# The organization a case is attached to ----------------------------------------------------------


def test_a_case_is_attached_only_to_an_active_organization_of_its_county(village_worker: User) -> None:
    elsewhere = Region.objects.filter(code__startswith=CHANGZHOU_OTHER_COUNTY, level="village").first()
    assert elsewhere is not None
    outside = make_organization("金坛区调解服务社", DAIBU)
    outside.region = elsewhere
    outside.save(update_fields=["region"])
    revoked = make_organization("戴埠镇已撤销协会", DAIBU)
    revoked.status = OrganizationStatus.REVOKED
    revoked.save(update_fields=["status"])
    for organization in (outside, revoked):
        with pytest.raises(DomainError):
            mediation.register_case(
                region=first_village(DAIBU),
                committee="调委会",
                organization=organization,
                dispute_type="neighbour",
                source="application",
                summary="纠纷",
                registered_on=TODAY,
                parties=PARTIES,
                by=village_worker,
            )
    assert not MediationCase.objects.exists()
    own = make_organization("戴埠镇调解服务社", DAIBU)
    case = mediation.register_case(
        region=first_village(DAIBU),
        committee="调委会",
        organization=own,
        dispute_type="neighbour",
        source="application",
        summary="纠纷",
        registered_on=TODAY,
        parties=PARTIES,
        by=village_worker,
    )
    assert case.organization == own


# The figures' export -----------------------------------------------------------------------------


def _case_on(day: datetime.date, by: User) -> MediationCase:
    return mediation.register_case(
        region=first_village(DAIBU),
        committee="调委会",
        dispute_type="neighbour",
        source="application",
        summary=f"{day}的纠纷",
        registered_on=day,
        parties=PARTIES,
        by=by,
    )


def _exported(client: Client, query: dict[str, str]) -> list[tuple[object, ...]]:
    answer = client.get(_url("case-export"), query)
    assert answer.status_code == 200
    sheet = load_workbook(BytesIO(answer.content)).worksheets[0]
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_figures_export_holds_the_month_shown_and_only_the_year_asked(
    login: Login, village_worker: User, daibu_officer: User
) -> None:
    year = TODAY.year - 1
    march, april = (
        _case_on(datetime.date(year, 3, 9), village_worker),
        _case_on(datetime.date(year, 4, 9), village_worker),
    )
    client = login(daibu_officer)
    figures = client.get(_url("case-figures"), {"year": str(year), "month": "3"})
    assert figures.context["totals"]["registered"] == 1
    assert "month=3" in figures.context["export"]
    rows = _exported(client, dict(pair.split("=") for pair in figures.context["export"].split("&")))
    assert [row[0] for row in rows] == [march.number]
    listed = client.get(_url("case-list"), {"year": str(year), "month": "4"})
    assert [c.pk for c in listed.context["page"].object_list] == [april.pk]
    # This year has no case yet: its export is empty, not every other year's cases.
    assert _exported(client, {"year": str(TODAY.year)}) == []
    assert len(_exported(client, {})) == 2


# A funded project on an activity -----------------------------------------------------------------


def test_an_activity_held_by_the_village_itself_cannot_claim_an_organizations_project(
    contract: Contract,  # noqa: F811
    village_worker: User,
) -> None:
    end = timezone.now() - datetime.timedelta(days=1)
    with pytest.raises(DomainError):
        activities.record_activity(
            region=first_village(DAIBU),
            kind="legal_education",
            title="村里自办的宣讲",
            held_on=timezone.localtime(end).date(),
            place="村委会",
            contract=contract,
            by=village_worker,
        )
    assert not Activity.objects.exists()
