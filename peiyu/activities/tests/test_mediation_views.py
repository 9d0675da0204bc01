"""People's mediation through the back office: a village worker registers a neighbour dispute
with two parties, starts the mediation, writes the record, concludes a written agreement, finds
it performed on the follow-up visit, downloads the case file, and the town's success rate moves
on the figures page. Each step's refusals are shown on its form; the parties' phones and
identity numbers never appear unmasked; the list filters, searches and exports; mediators are
kept; and every URL is denied to anonymous visitors, to accounts without the permission and (as
missing) to officers of another town."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.activities.models import (
    ActivityEvent,
    CaseStatus,
    MediationCase,
    Mediator,
    Performance,
    Rating,
)
from peiyu.activities.services import mediation
from peiyu.activities.tests.test_mediation import agreed, registered
from peiyu.funding.models import CaseSubsidy
from peiyu.lib import idcard
from peiyu.lib.docx import DOCX_TYPE, text_of
from peiyu.orgs.models import Organization
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()
PHONE = "13912345678"
OTHER_PHONE = "13812345679"
ID_NUMBER = idcard.make(region="320481", birth=datetime.date(1970, 3, 1), sequence=12)
MEDIATOR_PHONE = "13700001111"


def _url(name: str, case: MediationCase | None = None) -> str:
    return reverse(f"activities:{name}", args=[case.pk] if case else [])


def _day(days_ago: int) -> str:
    return (TODAY - datetime.timedelta(days=days_ago)).isoformat()


def _moment(days_ago: int) -> str:
    moment = timezone.localtime() - datetime.timedelta(days=days_ago)
    return moment.strftime("%Y-%m-%dT%H:%M")


def _register_data(region: str, parties: list[dict[str, str]], **values: str) -> dict[str, str]:
    data = {
        "region": region,
        "committee": "",
        "organization": "",
        "dispute_type": "neighbour",
        "source": "application",
        "summary": "两家因排水沟堵塞引发争执。",
        "claims": "请求对方疏通排水沟并赔偿损失。",
        "registered_on": _day(5),
        "parties-TOTAL_FORMS": "6",
        "parties-INITIAL_FORMS": "2",
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "6",
        **values,
    }
    for index, party in enumerate(parties):
        data.update({f"parties-{index}-{key}": value for key, value in party.items()})
    return data


APPLICANT = {
    "role": "applicant",
    "name": "王大明",
    "sex": "男",
    "ethnicity": "汉族",
    "age": "56",
    "occupation": "农民",
    "phone": PHONE,
    "id_number": ID_NUMBER,
    "address": "戴埠镇某村12号",
}
RESPONDENT = {"role": "respondent", "name": "李小红", "sex": "女", "age": "48", "phone": OTHER_PHONE}


@pytest.fixture
def login() -> Login:
    """A signed-in client that reads the pages in English, the messages' source language."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


def _masked(content: str) -> None:
    assert PHONE not in content and OTHER_PHONE not in content and ID_NUMBER not in content


# The flow through the pages ---------------------------------------------------------------------


def test_a_neighbour_dispute_from_registration_to_the_towns_success_rate(
    login: Login, village_worker: User, daibu_officer: User, county_officer: User, mediator: Mediator
) -> None:
    client = login(village_worker)
    village = first_village(DAIBU)
    form = client.get(_url("case-create"))
    assert form.status_code == 200
    assert f'value="{village.code}" selected' in form.content.decode()
    assert f"{village.name}人民调解委员会" in form.content.decode()  # the committee's default

    answer = client.post(_url("case-create"), _register_data(village.code, [APPLICANT, RESPONDENT]))
    case = MediationCase.objects.get()
    assert answer.status_code == 302 and answer["Location"] == _url("case-detail", case)
    assert case.committee == f"{village.name}人民调解委员会" and case.parties.count() == 2
    assert case.parties.get(name="王大明").id_number == ID_NUMBER  # kept in full, shown masked

    detail = client.get(_url("case-detail", case)).content.decode()
    _masked(detail)
    assert "139****5678" in detail and "320481********" in detail
    assert 'data-testid="step-start"' in detail and 'data-testid="step-fail"' in detail
    assert 'data-testid="step-agreement"' not in detail

    assert client.get(_url("case-start", case)).status_code == 200
    assert client.post(_url("case-start", case), {"mediators": [mediator.pk]}).status_code == 302
    mediating = client.get(_url("case-detail", case)).content.decode()
    assert 'data-testid="step-session"' in mediating and 'data-testid="step-agreement"' in mediating
    assert 'data-testid="step-start"' not in mediating and "周调解" in mediating
    session = {
        "held_at": _moment(4),
        "place": "村委会调解室",
        "participants": "王大明、李小红、周调解",
        "record": "双方陈述，调解员释法说理。",
        "result": "达成一致",
    }
    assert client.post(_url("case-session", case), session).status_code == 302
    agreement = {
        "form": "written",
        "terms": "王大明清理排水沟，李小红承担一半费用800元。",
        "agreed_on": _day(3),
        "performance_method": "现金支付",
        "performance_due": _day(1),
        "amount": "1600",
    }
    assert client.post(_url("case-agreement", case), agreement).status_code == 302
    visit = {"visited_on": _day(0), "visitor": "周调解", "performance": "performed", "satisfied": "yes"}
    assert client.post(_url("case-follow-up", case), visit).status_code == 302

    case.refresh_from_db()
    assert case.status == CaseStatus.SUCCEEDED and case.performance == Performance.PERFORMED
    assert list(
        ActivityEvent.objects.filter(subject="mediationcase", subject_id=case.pk).values_list(
            "action", flat=True
        )
    ) == ["registered", "mediating", "session", "succeeded", "follow_up"]
    detail = client.get(_url("case-detail", case)).content.decode()
    assert 'data-testid="step-follow_up"' in detail and 'data-testid="step-confirmation"' in detail
    assert "王大明清理排水沟" in detail and "周调解" in detail

    document = client.get(_url("case-file", case))
    assert document.status_code == 200 and document["Content-Type"] == DOCX_TYPE
    text = text_of(document.content)
    positions = [text.index(part) for part in ("人民调解卷宗", "人民调解受理登记表", "卷宗情况说明")]
    assert positions == sorted(positions)
    _masked(text)

    # The town's success rate moved: 1 handled, 1 succeeded.
    town = login(daibu_officer).get(_url("case-figures")).content.decode()
    assert f'data-testid="success-{village.code}"' in town
    row = town.split(f'data-testid="success-{village.code}"')[1].split("</td>")[0]
    assert "100.0%" in row
    county = login(county_officer).get(_url("case-figures"), {"year": TODAY.year}).content.decode()
    row = county.split(f'data-testid="success-{DAIBU}000"')[1].split("</td>")[0]
    assert "100.0%" in row


def test_the_case_page_shows_the_subsidy_the_ratings_the_qr_code_and_the_history(
    login: Login, daibu_officer: User, village_worker: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker), village_worker, mediator)
    Rating.objects.create(case=case, rating=5)
    Rating.objects.create(case=case, rating=4)
    page = login(daibu_officer).get(_url("case-detail", case)).content.decode()
    subsidy = CaseSubsidy.objects.get(case_reference=case.number)
    assert 'data-testid="subsidy"' in page and subsidy.payee_name in page
    assert '<div class="fs-4" data-testid="rating-count">2</div>' in page
    assert '<div class="fs-4" data-testid="rating-average">4.5</div>' in page
    link = f"http://testserver{reverse('portal:rate', args=[case.feedback_token])}"
    assert link in page
    # The written agreement's deadline for judicial confirmation, 30 days after it took effect.
    deadline = mediation.confirmation_deadline(case)
    assert deadline == TODAY + datetime.timedelta(days=20)
    assert deadline.isoformat() in page and "20 days left" in page
    for label in ("Registered", "Mediation started", "Mediation record written", "Agreement reached"):
        assert label in page
    # A village worker has no view of the funding records: no subsidy card.
    assert (
        'data-testid="subsidy"' not in login(village_worker).get(_url("case-detail", case)).content.decode()
    )

    qr = login(village_worker).get(_url("case-qr", case))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<?xml") or b"<svg" in qr.content


# Validation on every step -----------------------------------------------------------------------


def test_registering_shows_each_error_and_writes_nothing(login: Login, village_worker: User) -> None:
    client = login(village_worker)
    village = first_village(DAIBU).code
    one_side = client.post(
        _url("case-create"), _register_data(village, [APPLICANT, {**RESPONDENT, "role": "applicant"}])
    )
    assert "at least one applicant and one respondent" in one_side.content.decode()
    wrong_id = ID_NUMBER[:-1] + ("0" if ID_NUMBER[-1] != "0" else "1")
    bad = client.post(
        _url("case-create"), _register_data(village, [{**APPLICANT, "id_number": wrong_id}, RESPONDENT])
    )
    assert bad.status_code == 200 and 'class="invalid-feedback d-block"' in bad.content.decode()
    missing = client.post(_url("case-create"), _register_data(village, [APPLICANT, {"role": "respondent"}]))
    assert missing.status_code == 200 and "This field is required." in missing.content.decode()
    elsewhere = client.post(
        _url("case-create"), _register_data(first_village(TIANMUHU).code, [APPLICANT, RESPONDENT])
    )
    assert "is not a county, town or village in your area" in elsewhere.content.decode()
    future = client.post(
        _url("case-create"), _register_data(village, [APPLICANT, RESPONDENT], registered_on=_day(-2))
    )
    assert "cannot be in the future" in future.content.decode()
    for answer in (one_side, bad, missing, elsewhere, future):
        # Not even the numbers just typed are written back into the page.
        _masked(answer.content.decode())
    assert not MediationCase.objects.exists()


def test_each_step_shows_its_refusal(login: Login, village_worker: User, mediator: Mediator) -> None:
    client = login(village_worker)
    case = registered(village_worker)
    no_mediator = client.post(_url("case-start", case), {})
    assert no_mediator.status_code == 200 and "This field is required." in no_mediator.content.decode()
    unticked = client.post(
        _url("case-fail", case), {"reason": "一方拒绝", "routes_told": "诉讼", "on": _day(0)}
    )
    assert unticked.status_code == 200 and "This field is required." in unticked.content.decode()
    client.post(_url("case-start", case), {"mediators": [mediator.pk]})
    future = {"held_at": _moment(-1), "place": "调解室", "participants": "双方", "record": "陈述"}
    answer = client.post(_url("case-session", case), future)
    assert "A mediation takes place between the registration and now." in answer.content.decode()
    late = {"form": "written", "terms": "赔偿", "agreed_on": _day(2), "performance_due": _day(3)}
    answer = client.post(_url("case-agreement", case), late)
    assert "Performance is due on or after the agreement." in answer.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.MEDIATING and not case.sessions.exists()


def test_judicial_confirmation_after_the_thirty_days_is_refused_with_the_message(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    case = agreed(registered(village_worker, days_ago=60), village_worker, mediator, days_ago=40)
    client = login(village_worker)
    assert "The time to apply has passed." in client.get(_url("case-detail", case)).content.decode()
    deadline = mediation.confirmation_deadline(case)
    assert deadline is not None and deadline == TODAY - datetime.timedelta(days=10)
    late = {"applied_on": (deadline + datetime.timedelta(days=1)).isoformat(), "court": "溧阳市人民法院"}
    answer = client.post(_url("case-confirmation", case), late)
    assert answer.status_code == 200
    assert f"the parties could apply until {deadline}" in answer.content.decode()
    on_time = {"applied_on": deadline.isoformat(), "court": "溧阳市人民法院", "confirmed_on": _day(0)}
    assert client.post(_url("case-confirmation", case), on_time).status_code == 302
    case.refresh_from_db()
    assert case.confirmation_applied_on == deadline and case.confirmed_on == TODAY
    # Once confirmed, the step is no longer offered.
    assert 'data-testid="step-confirmation"' not in client.get(_url("case-detail", case)).content.decode()


def test_follow_ups_and_ending_without_agreement(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    client = login(village_worker)
    case = agreed(registered(village_worker), village_worker, mediator, days_ago=5)
    early = {"visited_on": _day(6), "visitor": "周调解", "performance": "performed"}
    answer = client.post(_url("case-follow-up", case), early)
    assert "A follow-up visit comes after the agreement." in answer.content.decode()
    other = registered(village_worker)
    ended = {"reason": "一方拒绝调解", "routes_told": "告知可向人民法院起诉", "on": _day(0), "confirm": "on"}
    assert client.post(_url("case-fail", other), ended).status_code == 302
    other.refresh_from_db()
    assert other.status == CaseStatus.FAILED and other.closed_on == TODAY
    page = client.get(_url("case-detail", other)).content.decode()
    assert "告知可向人民法院起诉" in page and 'data-testid="step-' not in page


def test_a_step_the_status_does_not_allow_goes_back_to_the_case(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    client = login(village_worker)
    case = agreed(registered(village_worker), village_worker, mediator)
    answer = client.post(_url("case-start", case), {"mediators": [mediator.pk]}, follow=True)
    assert answer.redirect_chain[-1][0] == _url("case-detail", case)
    assert "This step is not open" in answer.content.decode()
    fresh = registered(village_worker)
    opened = client.get(_url("case-agreement", fresh), follow=True)
    assert opened.redirect_chain[-1][0] == _url("case-detail", fresh)
    assert not CaseSubsidy.objects.filter(case_reference=fresh.number).exists()


# The list, its export and the figures page -----------------------------------------------------


def test_the_list_searches_filters_and_exports(
    login: Login, village_worker: User, county_officer: User, mediator: Mediator
) -> None:
    agreed(registered(village_worker), village_worker, mediator)
    mediation.end_without_agreement(
        registered(village_worker), reason="拒绝", routes_told="诉讼", by=village_worker
    )
    open_case = registered(village_worker)
    client = login(county_officer)
    page = client.get(_url("case-list")).content.decode()
    assert page.count('data-case="') == 3 and 'data-testid="create"' in page
    _masked(page)
    failed = client.get(_url("case-list"), {"status": "failed"}).content.decode()
    assert failed.count('data-case="') == 1
    found = client.get(_url("case-list"), {"q": open_case.number}).content.decode()
    assert found.count('data-case="') == 1
    by_party = client.get(_url("case-list"), {"q": "李小红", "town": DAIBU + "000", "year": str(TODAY.year)})
    assert by_party.content.decode().count('data-case="') == 3
    none = client.get(_url("case-list"), {"q": "没有这个人"}).content.decode()
    assert 'data-testid="empty"' in none and "No case matches these filters" in none
    # Values out of the lists are ignored, not a 500.
    odd = client.get(_url("case-list"), {"year": "abc", "town": "x", "status": "nope", "page": "999"})
    assert odd.status_code == 200 and odd.content.decode().count('data-case="') == 3

    export = client.get(_url("case-export"), {"status": "succeeded"})
    book = load_workbook(BytesIO(export.content))
    cases, towns = book.worksheets
    assert cases.max_row == 2  # the header and the successful case
    rows = list(towns.iter_rows(values_only=True))
    # The figures by town count every status: 3 registered, 2 handled, 1 succeeded.
    assert rows[1][0] == "戴埠镇" and rows[1][1:4] == (3, 2, 1)
    assert rows[-1][1:4] == (3, 2, 1)
    assert PHONE not in str(list(cases.iter_rows(values_only=True)))


def test_the_list_costs_the_same_queries_for_more_cases(
    login: Login, village_worker: User, mediator: Mediator
) -> None:
    client = login(village_worker)
    for _ in range(2):
        agreed(registered(village_worker), village_worker, mediator)
    with CaptureQueriesContext(connection) as few:
        client.get(_url("case-list"))
    for _ in range(4):
        agreed(registered(village_worker), village_worker, mediator)
    with CaptureQueriesContext(connection) as more:
        assert client.get(_url("case-list")).content.decode().count('data-case="') == 6
    assert len(more) == len(few)


def test_the_figures_page_by_town_with_the_targets(
    login: Login, village_worker: User, county_officer: User, mediator: Mediator
) -> None:
    agreed(registered(village_worker), village_worker, mediator)
    mediation.end_without_agreement(
        registered(village_worker), reason="拒绝", routes_told="诉讼", by=village_worker
    )
    client = login(county_officer)
    page = client.get(_url("case-figures")).content.decode()
    assert '<div class="fs-3" data-testid="registered">2</div>' in page
    # 2 handled of 2 registered (100 %), 1 succeeded of 2 handled (50 %): below the 96 % target.
    success = page.split(f'data-testid="success-{DAIBU}000"')[1].split("</td>")[0]
    assert "50.0%" in success and "data-below-target" in success
    assert "target ≥ 96%" in page and "target ≥ 98%" in page
    assert page.count('data-region="') >= 10  # every town of 溧阳市, with zeros
    town = client.get(
        _url("case-figures"), {"region": DAIBU + "000", "year": str(TODAY.year), "month": str(TODAY.month)}
    )
    assert town.status_code == 200 and f'data-region="{first_village(DAIBU).code}"' in town.content.decode()
    assert f"town={DAIBU}000" in town.content.decode()  # the export link keeps the town
    # A year without cases is not offered; asked for anyway, the current year is shown.
    other_year = client.get(_url("case-figures"), {"year": TODAY.year - 1}).content.decode()
    assert '<div class="fs-3" data-testid="registered">2</div>' in other_year
    odd = client.get(_url("case-figures"), {"region": TIANMUHU + "999", "year": "x", "month": "13"})
    assert odd.status_code == 200


# Mediators --------------------------------------------------------------------------------------


def test_mediators_are_listed_masked_created_and_edited(
    login: Login, village_worker: User, tianmuhu_officer: User
) -> None:
    client = login(village_worker)
    village = first_village(DAIBU).code
    data = {
        "region": village,
        "name": "赵调解",
        "committee": "调委会",
        "phone": MEDIATOR_PHONE,
        "is_active": "on",
    }
    assert client.post(_url("mediator-create"), data).status_code == 302
    found = Mediator.objects.get(name="赵调解")
    page = client.get(_url("mediator-list")).content.decode()
    assert "137****1111" in page and MEDIATOR_PHONE not in page
    edit_url = reverse("activities:mediator-edit", args=[found.pk])
    form = client.get(edit_url).content.decode()
    assert MEDIATOR_PHONE not in form and "137****1111" in form
    # Left empty, the phone stays; unticked, the mediator is no longer active.
    assert (
        client.post(edit_url, {"region": village, "name": "赵调解", "committee": "调委会"}).status_code == 302
    )
    found.refresh_from_db()
    assert found.phone == MEDIATOR_PHONE and not found.is_active
    inactive = client.get(_url("mediator-list"), {"active": "no", "q": "赵"}).content.decode()
    assert inactive.count('data-mediator="') == 1
    assert client.get(_url("mediator-list"), {"active": "yes"}).content.decode().count('data-mediator="') == 0
    assert client.post(_url("mediator-create"), {"region": village, "name": ""}).status_code == 200
    assert login(tianmuhu_officer).get(edit_url).status_code == 404


# Denials ----------------------------------------------------------------------------------------


def _case_urls(case: MediationCase) -> list[str]:
    names = ["case-detail", "case-start", "case-session", "case-agreement", "case-fail", "case-follow-up"]
    names += ["case-confirmation", "case-file", "case-qr"]
    return [_url(name, case) for name in names]


LIST_URLS = ["case-list", "case-create", "case-figures", "case-export", "mediator-list", "mediator-create"]


def test_anonymous_visitors_are_sent_to_sign_in(
    client: Client, village_worker: User, mediator: Mediator
) -> None:
    case = registered(village_worker)
    urls = [_url(name) for name in LIST_URLS] + _case_urls(case)
    urls.append(reverse("activities:mediator-edit", args=[mediator.pk]))
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302 and "/login" in answer["Location"], url
    assert client.post(_url("case-start", case), {"mediators": [mediator.pk]}).status_code == 302
    assert MediationCase.objects.get().status == CaseStatus.REGISTERED


@pytest.mark.parametrize("persona", ["volunteer", "organization_account"])
def test_accounts_without_the_permission_get_403(
    persona: str, request: pytest.FixtureRequest, login: Login, village_worker: User, mediator: Mediator
) -> None:
    client = login(request.getfixturevalue(persona))
    case = registered(village_worker)
    urls = [_url(name) for name in LIST_URLS] + _case_urls(case)
    urls.append(reverse("activities:mediator-edit", args=[mediator.pk]))
    for url in urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {}).status_code == 403, url
    assert MediationCase.objects.get().status == CaseStatus.REGISTERED


def test_another_towns_officer_finds_nothing(
    login: Login, tianmuhu_officer: User, village_worker: User, mediator: Mediator
) -> None:
    client = login(tianmuhu_officer)
    case = registered(village_worker)
    for url in _case_urls(case):
        assert client.get(url).status_code == 404, url
    steps: dict[str, dict[str, Any]] = {
        "case-start": {"mediators": [mediator.pk]},
        "case-fail": {"reason": "拒绝", "routes_told": "诉讼", "on": _day(0), "confirm": "on"},
    }
    for name, data in steps.items():
        assert client.post(_url(name, case), data).status_code == 404
    assert MediationCase.objects.get().status == CaseStatus.REGISTERED
    page = client.get(_url("case-list")).content.decode()
    assert 'data-testid="empty"' in page and case.number not in page
    figures = client.get(_url("case-figures"), {"region": DAIBU + "000"}).content.decode()
    assert '<div class="fs-3" data-testid="registered">0</div>' in figures  # its own town, not 戴埠
    export = load_workbook(BytesIO(client.get(_url("case-export")).content)).worksheets[0]
    assert export.max_row == 1


def test_an_organizations_mediators_handle_a_case_it_still_cannot_open(
    login: Login,
    village_worker: User,
    organization_account: User,
    organization: Organization,
    mediator: Mediator,
) -> None:
    other_organization = make_organization("天目湖镇邻里互助会", TIANMUHU)
    client = login(village_worker)
    form = client.get(_url("case-create")).content.decode()
    # The registry's organizations of the whole county are offered, not only the village's.
    assert organization.name in form and other_organization.name in form
    data = _register_data(
        first_village(DAIBU).code, [APPLICANT, RESPONDENT], organization=str(organization.pk)
    )
    assert client.post(_url("case-create"), data).status_code == 302
    case = agreed(MediationCase.objects.get(), village_worker, mediator, days_ago=2)
    assert case.organization == organization
    assert CaseSubsidy.objects.get(case_reference=case.number).payee == organization
    outsider = login(organization_account)
    for url in [_url("case-list"), *_case_urls(case)]:
        assert outsider.get(url).status_code == 403, url
