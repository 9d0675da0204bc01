"""People's mediation through its services: a neighbour dispute registered, mediated, agreed in
writing, performed and confirmed; the 30-day window for judicial confirmation at its edge;
ending without agreement; the figures; the per-case subsidy raised in the funding app; and who
may do what."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.activities.models import (
    ActivityEvent,
    AgreementForm,
    CaseStatus,
    MediationCase,
    Mediator,
    Performance,
)
from peiyu.activities.services import mediation
from peiyu.activities.services.mediation import PartyValues
from peiyu.core.exceptions import DomainError, PermissionRefused, TransitionError
from peiyu.core.services import set_option
from peiyu.funding.models import CaseSubsidy
from peiyu.lib import idcard
from peiyu.testing import DAIBU, LIYANG, TIANMUHU, first_village, region

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
PARTIES = [
    PartyValues(role="applicant", name="王大明", sex="男", age=56, phone="13912345678"),
    PartyValues(role="respondent", name="李小红", sex="女", age=48, phone="13812345679"),
]


def registered(by: User, town: str = DAIBU, days_ago: int = 20) -> MediationCase:
    return mediation.register_case(
        region=first_village(town),
        committee="集镇社区人民调解委员会",
        dispute_type="neighbour",
        source="application",
        summary="两家因排水沟堵塞引发争执。",
        registered_on=TODAY - datetime.timedelta(days=days_ago),
        parties=PARTIES,
        by=by,
    )


def agreed(
    case: MediationCase, by: User, mediator: Mediator, *, form: str = "written", days_ago: int = 10
) -> MediationCase:
    case = mediation.start_mediation(case, mediators=[mediator], by=by)
    mediation.record_session(
        case,
        held_at=timezone.now() - datetime.timedelta(days=days_ago + 1),
        place="村委会调解室",
        participants="王大明、李小红、周调解",
        record="双方陈述，调解员释法说理。",
        result="达成一致",
        by=by,
    )
    return mediation.conclude_agreement(
        case,
        form=form,
        terms="王大明清理排水沟，李小红承担一半费用800元。",
        agreed_on=TODAY - datetime.timedelta(days=days_ago),
        performance_method="现金支付",
        performance_due=TODAY,
        amount=Decimal(1600),
        by=by,
    )


def test_a_neighbour_dispute_from_registration_to_performance(
    village_worker: User, mediator: Mediator
) -> None:
    case = registered(village_worker)
    assert case.number == f"（{TODAY.year}）溧阳市人调字第1号"
    assert case.parties.count() == 2 and case.parties.first().masked_phone != "13912345678"  # type: ignore[union-attr]
    case = agreed(case, village_worker, mediator)
    assert case.status == CaseStatus.SUCCEEDED and case.closed_on == TODAY - datetime.timedelta(days=10)
    # The per-case subsidy is raised in the funding app, once, at the local amount.
    subsidy = CaseSubsidy.objects.get(case_reference=case.number)
    assert subsidy.amount == Decimal(200) and subsidy.payee_name == "集镇社区人民调解委员会"
    visit = mediation.record_follow_up(
        case, visited_on=TODAY, visitor="周调解", performance="performed", satisfied=True, by=village_worker
    )
    case.refresh_from_db()
    assert visit.performance == Performance.PERFORMED and case.performed_on == TODAY
    actions = list(
        ActivityEvent.objects.filter(subject="mediationcase", subject_id=case.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == ["registered", "mediating", "session", "succeeded", "follow_up"]


def test_a_dispute_has_two_sides_and_valid_identity_numbers(village_worker: User) -> None:
    valid = idcard.make(region="320481", birth=datetime.date(1970, 3, 1), sequence=12)
    wrong = valid[:-1] + ("0" if valid[-1] != "0" else "1")  # the check digit no longer fits
    with pytest.raises(DomainError):
        mediation.register_case(
            region=first_village(DAIBU),
            committee="调委会",
            dispute_type="neighbour",
            source="application",
            summary="纠纷",
            registered_on=TODAY,
            parties=PARTIES[:1],
            by=village_worker,
        )
    with pytest.raises(DomainError, match="王大明"):
        mediation.register_case(
            region=first_village(DAIBU),
            committee="调委会",
            dispute_type="neighbour",
            source="application",
            summary="纠纷",
            registered_on=TODAY,
            by=village_worker,
            parties=[
                PartyValues(role="applicant", name="王大明", id_number=wrong),
                PARTIES[1],
            ],
        )
    assert not MediationCase.objects.exists()


@pytest.mark.parametrize(("days_after", "accepted"), [(0, True), (30, True), (31, False)])
def test_judicial_confirmation_within_thirty_days_of_the_agreement(
    days_after: int, accepted: bool, village_worker: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker, days_ago=60), village_worker, mediator, days_ago=40)
    assert case.agreed_on is not None
    applied_on = case.agreed_on + datetime.timedelta(days=days_after)
    deadline = case.agreed_on + datetime.timedelta(days=30)
    if accepted:
        case = mediation.record_confirmation(
            case, applied_on=applied_on, court="溧阳市人民法院", by=village_worker
        )
        assert case.confirmation_applied_on == applied_on
    else:
        with pytest.raises(DomainError, match=str(deadline)):
            mediation.record_confirmation(
                case, applied_on=applied_on, court="溧阳市人民法院", by=village_worker
            )


def test_the_confirmation_window_is_a_local_setting_and_only_for_written_agreements(
    village_worker: User, administrator: User, mediator: Mediator
) -> None:
    set_option(key="activities.confirmation_days", region=region(LIYANG), text="15", by=administrator)
    case = agreed(registered(village_worker, days_ago=60), village_worker, mediator, days_ago=40)
    assert case.agreed_on is not None
    with pytest.raises(DomainError):
        mediation.record_confirmation(
            case,
            applied_on=case.agreed_on + datetime.timedelta(days=16),
            court="溧阳市人民法院",
            by=village_worker,
        )
    oral = agreed(registered(village_worker), village_worker, mediator, form=AgreementForm.ORAL)
    with pytest.raises(DomainError):
        mediation.record_confirmation(oral, applied_on=TODAY, court="溧阳市人民法院", by=village_worker)


def test_ending_without_agreement_needs_the_reason_and_the_routes(
    village_worker: User, mediator: Mediator
) -> None:
    case = registered(village_worker)
    with pytest.raises(DomainError):
        mediation.end_without_agreement(case, reason="一方拒绝调解", routes_told=" ", by=village_worker)
    case = mediation.end_without_agreement(
        case, reason="一方拒绝调解", routes_told="告知可向人民法院起诉", by=village_worker
    )
    assert case.status == CaseStatus.FAILED
    with pytest.raises(TransitionError):
        mediation.start_mediation(case, mediators=[mediator], by=village_worker)


def test_an_agreement_needs_a_mediation_under_way(village_worker: User) -> None:
    case = registered(village_worker)
    with pytest.raises(TransitionError):
        mediation.conclude_agreement(case, form="oral", terms="口头约定", agreed_on=TODAY, by=village_worker)
    assert not CaseSubsidy.objects.exists()


def test_the_figures(village_worker: User, mediator: Mediator) -> None:
    for _ in range(3):
        agreed(registered(village_worker), village_worker, mediator)
    mediation.end_without_agreement(
        registered(village_worker), reason="拒绝", routes_told="告知诉讼", by=village_worker
    )
    registered(village_worker)  # still open
    figures = MediationCase.objects.figures()
    assert (figures["registered"], figures["handled"], figures["succeeded"]) == (5, 4, 3)
    assert figures["handled_rate"] == Decimal("80.0") and figures["success_rate"] == Decimal("75.0")
    assert figures["amount"] == Decimal(4800) and figures["performed"] == 0


def test_who_may_act_on_a_case(
    village_worker: User, tianmuhu_officer: User, organization_account: User, mediator: Mediator
) -> None:
    case = registered(village_worker)
    with pytest.raises(PermissionRefused):
        mediation.start_mediation(case, mediators=[mediator], by=tianmuhu_officer)
    with pytest.raises(PermissionRefused):
        registered(organization_account)
    with pytest.raises(PermissionRefused):
        registered(village_worker, town=TIANMUHU)


def test_mediators_and_ratings(village_worker: User, tianmuhu_officer: User) -> None:
    from peiyu.activities.services.ratings import submit_rating

    village = first_village(DAIBU)
    mediator = mediation.save_mediator(region=village, name="赵调解", committee="调委会", by=village_worker)
    with pytest.raises(PermissionRefused):
        mediation.save_mediator(
            region=village, name="钱", committee="调委会", by=tianmuhu_officer, mediator=mediator
        )
    case = registered(village_worker)
    with pytest.raises(DomainError):  # still under way
        submit_rating(case=case, rating=5)
    case = mediation.end_without_agreement(
        case, reason="一方拒绝", routes_told="可向法院起诉", by=village_worker
    )
    with pytest.raises(DomainError):
        submit_rating(case=case, rating=6)
    assert submit_rating(case=case, rating=4, comment=" 很耐心 ").comment == "很耐心"


def test_the_monthly_figures_by_town(
    village_worker: User, mediator: Mediator, tianmuhu_officer: User
) -> None:
    from peiyu.activities.figures import figures_by_child, period_figures

    agreed(registered(village_worker), village_worker, mediator)
    registered(village_worker)
    start, end = TODAY - datetime.timedelta(days=60), TODAY
    county = period_figures(LIYANG, start, end)
    assert (county["registered"], county["handled"], county["succeeded"]) == (2, 1, 1)
    assert (county["handled_rate"], county["success_rate"]) == (Decimal("50.0"), Decimal("100.0"))
    assert county["activities"] == 0
    towns = figures_by_child(LIYANG, start, end)
    assert list(towns) == [DAIBU + "000"] and towns[DAIBU + "000"]["registered"] == 2
    assert period_figures(TIANMUHU, start, end)["registered"] == 0


def test_a_stale_mediator_form_is_refused(village_worker: User, mediator: Mediator) -> None:
    from peiyu.core.exceptions import ConflictError

    seen = mediator.version
    mediation.save_mediator(
        region=mediator.region,
        name="周调解",
        committee="调委会",
        by=village_worker,
        mediator=mediator,
        seen_version=seen,
    )
    with pytest.raises(ConflictError):
        mediation.save_mediator(
            region=mediator.region,
            name="周某",
            committee="调委会",
            by=village_worker,
            mediator=mediator,
            seen_version=seen,
        )
    mediator.refresh_from_db()
    assert (mediator.committee, mediator.version) == ("调委会", seen + 1)
