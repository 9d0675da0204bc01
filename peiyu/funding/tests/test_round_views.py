"""The rounds' back-office pages as each persona sees them: the county officer's whole path from
a new round to its contracts, the forms' errors, refused moves, and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from decimal import Decimal
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
from peiyu.funding.models import (
    Application,
    ApplicationStatus,
    Contract,
    Draw,
    Objection,
    Round,
    RoundStatus,
)
from peiyu.funding.services import rounds, selection
from peiyu.funding.tests.conftest import ANCHORS, RUBRIC, apply, defend_all, field, score_all
from peiyu.orgs.models import Organization
from peiyu.testing import CHANGZHOU_OTHER_COUNTY, make_user, region

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()
PHONE = "13812345678"


@pytest.fixture
def login() -> Login:
    """Signed-in clients that read the interface in English, the language of the msgids."""

    def sign_in(user: User) -> Client:
        client = Client(headers={"accept-language": "en"})
        client.force_login(user)
        return client

    return sign_in


@pytest.fixture
def jintan_officer(regions: None) -> User:
    """A county officer of another county (金坛区)."""
    return make_user("jintan-county", "county_officer", CHANGZHOU_OTHER_COUNTY)


def url(name: str, pk: int | None = None) -> str:
    return reverse(f"funding:{name}", args=[pk] if pk is not None else [])


def messages_of(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def formset(prefix: str, rows: list[dict[str, Any]]) -> dict[str, Any]:
    """POST data of a formset as the browser sends it: every row posted counts as shown."""
    data: dict[str, Any] = {
        f"{prefix}-TOTAL_FORMS": len(rows),
        f"{prefix}-INITIAL_FORMS": len(rows),
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"{prefix}-{index}-{key}"] = value
    return data


TRANCHES = [
    {"milestone": "signing", "percent": 50},
    {"milestone": "mid_term", "percent": 30},
    {"milestone": "final", "percent": 20},
]


def terms(**changes: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": "2026年度溧阳市公益创投",
        "kind": "venture",
        "year": "",
        "call_text": "面向全市社会组织征集公益创投项目。",
        "opens_on": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "closes_on": TODAY.isoformat(),
        "outline_closes_on": "",
        "max_request": "",
        "min_grade": "0",
        "experts_per_application": "5",
        "aggregation": "trimmed",
        "defense_weight": "40",
        "pass_mark": "60",
        "last_project_rule": "skip",
        "partial_share": "70",
        "supervisor": "",
    }
    tranches = changes.pop("tranches", TRANCHES)
    return {**values, **changes, **formset("tranches", tranches)}


SOURCES = [
    {"kind": "special", "name": "社会组织发展专项资金", "amount": "2000000"},
    {"kind": "lottery", "name": "福彩公益金", "amount": "600000"},
]


def rubric_rows(lines: list[tuple[str, int, dict[str, str]]] = RUBRIC) -> list[dict[str, Any]]:
    return [
        {"name": name, "weight": weight, **{f"anchor_{k}": v for k, v in anchors.items()}}
        for name, weight, anchors in lines
    ]


# The whole path ------------------------------------------------------------------------------


def test_the_county_officer_runs_a_round_from_the_call_to_the_contracts(
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Any],
    login: Login,
) -> None:
    officer = login(county_officer)
    empty = officer.get(url("round-list"))
    assert empty.status_code == 200
    assert 'data-testid="empty"' in empty.content.decode()
    assert url("round-create") in empty.content.decode()

    form = officer.get(url("round-create"))
    assert form.context["form"]["min_grade"].value() == 3  # the local setting's default
    created = officer.post(url("round-create"), terms(legal_forms=["service_institution", "association"]))
    round = Round.objects.get()
    assert created.status_code == 302 and created["Location"] == url("round-sources", round.pk)
    assert round.status == RoundStatus.DRAFT and round.min_grade == 0 and round.year == TODAY.year
    assert round.legal_forms == ["service_institution", "association"]
    assert [row["percent"] for row in round.tranches] == [50, 30, 20]

    draft = officer.get(url("round-detail", round.pk)).content.decode()
    assert "Add at least one fund source." in draft
    assert 'data-testid="open" disabled' in draft

    sources = officer.post(url("round-sources", round.pk), formset("sources", SOURCES))
    assert sources["Location"] == url("round-rubric", round.pk)
    assert round.budget == Decimal(2_600_000)
    rubric = officer.post(url("round-rubric", round.pk), formset("lines", rubric_rows()))
    assert rubric["Location"] == url("round-detail", round.pk)
    ready = officer.get(url("round-detail", round.pk)).content.decode()
    assert "The round is ready to open." in ready and "2,600,000.00" in ready
    assert "很差" in ready and "需求分析" in ready  # the rubric with its anchors
    assert 'data-testid="rule"' in ready and "while the budget lasts" in ready

    opened = officer.post(url("round-open", round.pk), follow=True)
    assert "The round is open" in " ".join(messages_of(opened))
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN

    first = apply(round, organizations[0], organization_account, amount=1_200_000)
    second = apply(round, organizations[1], county_officer, amount=1_000_000)
    third = apply(round, organizations[2], county_officer, amount=500_000)
    listing = officer.get(url("round-list")).content.decode()
    assert "Eligible 3" in listing

    officer.post(url("round-start-review", round.pk))
    round.refresh_from_db()
    assert round.status == RoundStatus.REVIEW

    drawn = officer.post(url("round-draw", round.pk), {"seed": ""})
    draw = Draw.objects.get(round=round)
    assert drawn["Location"] == url("draw-detail", draw.pk)
    page = officer.get(url("draw-detail", draw.pk))
    assert page.context["pool_size"] == 8 and len(page.context["panels"]) == 3
    assert draw.seed in page.content.decode() and page.context["verified"] is None
    verified = officer.get(url("draw-detail", draw.pk), {"verify": "1"})
    assert verified.context["verified"] is True
    assert "Verified:" in verified.content.decode()

    score_all(round, {first.pk: 5, second.pk: 4, third.pk: 3})
    defend_all(round, county_officer)
    selected = officer.post(url("round-select", round.pk))
    assert selected["Location"] == url("round-ranking", round.pk)

    ranking = officer.get(url("round-ranking", round.pk))
    ranked = ranking.context["ranked"]
    assert [(a.pk, a.rank) for a in ranked] == [(first.pk, 1), (second.pk, 2), (third.pk, 3)]
    assert [a.status for a in ranked] == ["selected", "selected", "not_selected"]
    html = ranking.content.decode()
    assert "Does not fit in the remaining 400000.00 yuan." in html  # the budget's edge
    assert ranking.context["totals"] == {
        "budget": Decimal(2_600_000),
        "awarded": Decimal(2_200_000),
        "left": Decimal(400_000),
    }
    assert "2,200,000.00" in html and "400,000.00" in html

    export = officer.get(url("round-ranking", round.pk), {"format": "xlsx"})
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(export.content))["Ranking"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1]) for r in rows] == [(1, first.title), (2, second.title), (3, third.title)]
    assert rows[2][8] is None and "Does not fit" in rows[2][9]

    notice = officer.post(
        url("round-notice", round.pk), {"starts_on": (TODAY - datetime.timedelta(days=7)).isoformat()}
    )
    assert notice["Location"] == url("round-detail", round.pk)
    round.refresh_from_db()
    assert round.status == RoundStatus.NOTICE and round.notice_ends_on == TODAY - datetime.timedelta(days=1)

    received = (TODAY - datetime.timedelta(days=1)).isoformat()
    recorded = officer.post(
        url("objection-list", round.pk),
        {
            "text": "评分不公。",
            "received_on": received,
            "application": third.pk,
            "name": "王五",
            "contact": PHONE,
        },
        follow=True,
    )
    assert "The objection was recorded." in " ".join(messages_of(recorded))
    objection = Objection.objects.get()
    assert objection.application == third and objection.channel == "staff"
    html = recorded.content.decode()
    assert objection.masked_contact in html and PHONE not in html
    blocked = officer.post(url("round-conclude", round.pk), follow=True)
    assert "Answer the 1 waiting objection(s) first." in " ".join(messages_of(blocked))

    assert officer.get(url("objection-answer", objection.pk)).status_code == 200
    answered = officer.post(
        url("objection-answer", objection.pk), {"answer": "经复核，评分无误。", "upheld": "no"}
    )
    assert answered["Location"] == url("objection-list", round.pk)
    objection.refresh_from_db()
    assert objection.upheld is False and objection.answered_by == county_officer

    concluded = officer.post(url("round-conclude", round.pk), follow=True)
    assert "contracts drafted" in " ".join(messages_of(concluded))
    round.refresh_from_db()
    assert round.status == RoundStatus.AWARDED
    contracts = Contract.objects.filter(application__round=round).order_by("amount")
    assert [c.amount for c in contracts] == [Decimal(1_000_000), Decimal(1_200_000)]
    assert [t.percent for t in contracts[0].tranches.all()] == [50, 30, 20]
    history = concluded.content.decode()
    for label in ("Opened for applications", "Review started", "Experts drawn", "Selection run"):
        assert label in history
    assert "Objection answered" in history and "Notice concluded, projects awarded" in history


# Forms and their errors ------------------------------------------------------------------


def test_the_terms_change_in_full_as_a_draft_and_only_the_call_and_deadlines_once_open(
    make_round: Callable[..., Round], county_officer: User, login: Login
) -> None:
    round = make_round()
    officer = login(county_officer)
    page = officer.get(url("round-edit", round.pk))
    assert page.status_code == 200 and page.context["tranches"] is not None
    changed = terms(
        title="改名后的公益创投",
        defense_weight="0",
        last_project_rule="partial",
        tranches=[{"milestone": "signing", "percent": 60}, {"milestone": "final", "percent": 40}],
        seen_version=round.version,
    )
    assert officer.post(url("round-edit", round.pk), changed)["Location"] == url("round-detail", round.pk)
    round.refresh_from_db()
    assert (round.title, round.defense_weight, round.last_project_rule) == ("改名后的公益创投", 0, "partial")
    assert [row["percent"] for row in round.tranches] == [60, 40]

    rounds.open_round(round, by=county_officer)
    round.refresh_from_db()
    page = officer.get(url("round-edit", round.pk))
    assert page.context["form"].fields["title"].disabled and page.context["tranches"] is None
    later = (TODAY + datetime.timedelta(days=5)).isoformat()
    saved = officer.post(
        url("round-edit", round.pk),
        terms(title="不应生效", call_text="截止日期延后。", closes_on=later, seen_version=round.version),
    )
    assert saved.status_code == 302, saved.context["form"].errors
    round.refresh_from_db()
    assert round.title == "改名后的公益创投"  # disabled: the posted title is ignored
    assert round.call_text == "截止日期延后。" and round.closes_on.isoformat() == later


def test_form_errors_are_shown_on_the_page(
    make_round: Callable[..., Round], county_officer: User, login: Login
) -> None:
    officer = login(county_officer)
    bad_tranches = officer.post(
        url("round-create"),
        terms(tranches=[{"milestone": "signing", "percent": 50}, {"milestone": "final", "percent": 30}]),
    )
    assert bad_tranches.status_code == 200
    assert "The tranches&#x27; shares must add up to 100%." in bad_tranches.content.decode()
    two_stage = officer.post(url("round-create"), terms(two_stage="on"))
    assert "A two-stage round needs an outline deadline." in two_stage.content.decode()
    assert not Round.objects.exists()

    round = make_round()
    lines = rubric_rows([("需求分析", 50, ANCHORS), ("项目设计", 30, {**ANCHORS, "3": ""})])
    wrong = officer.post(url("round-rubric", round.pk), formset("lines", lines))
    assert wrong.status_code == 200
    assert wrong.context["formset"].forms[1].errors["anchor_3"]
    weights = officer.post(
        url("round-rubric", round.pk), formset("lines", rubric_rows([("需求分析", 50, ANCHORS)]))
    )
    assert "The weights add up to 50; they must add up to 100." in weights.content.decode()
    assert round.criteria.count() == len(RUBRIC)  # unchanged

    nothing = officer.post(
        url("round-sources", round.pk), formset("sources", [{**row, "DELETE": "on"} for row in SOURCES])
    )
    assert "Add at least one fund source." in nothing.content.decode()
    assert round.budget == Decimal(2_600_000)


def test_the_scope_limits_the_round_to_fields(
    make_round: Callable[..., Round], county_officer: User, login: Login
) -> None:
    round = make_round()
    officer = login(county_officer)
    assert officer.get(url("round-scope", round.pk)).status_code == 200
    saved = officer.post(url("round-scope", round.pk), {"funded_fields": [field().pk, field("dispute").pk]})
    assert saved["Location"] == url("round-detail", round.pk)
    assert set(round.fields.values_list("code", flat=True)) == {"legal_education", "dispute"}


# Refused moves -----------------------------------------------------------------------------


def test_refused_moves_are_explained_not_500(
    make_round: Callable[..., Round],
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Any],
    login: Login,
) -> None:
    officer = login(county_officer)
    again = officer.post(url("round-open", open_round.pk), follow=True)
    assert again.status_code == 200
    assert "Not possible while the round is “Taking applications”." in messages_of(again)
    early = officer.post(url("round-select", open_round.pk), follow=True)
    assert early.status_code == 200 and messages_of(early)
    later = make_round(closes_on=TODAY + datetime.timedelta(days=3))
    rounds.open_round(later, by=county_officer)
    too_soon = officer.post(url("round-start-review", later.pk), follow=True)
    assert f"Applications are open until {later.closes_on}." in messages_of(too_soon)

    apply(open_round, organizations[2], county_officer)
    officer.post(url("round-start-review", open_round.pk))
    officer.post(url("round-draw", open_round.pk), {"seed": "public-rerun"})
    assert Draw.objects.get(round=open_round).seed == "public-rerun"
    twice = officer.post(url("round-draw", open_round.pk), {"seed": ""}, follow=True)
    assert "Every eligible application already has its panel." in messages_of(twice)
    unscored = officer.post(url("round-select", open_round.pk), follow=True)
    assert "Scoring is not finished for:" in " ".join(messages_of(unscored))
    no_notice = officer.post(url("round-notice", open_round.pk), {"starts_on": ""}, follow=True)
    assert "Run the selection first" in " ".join(messages_of(no_notice))
    edit = officer.get(url("round-edit", open_round.pk), follow=True)
    assert "no longer change" in " ".join(messages_of(edit))
    closing = officer.post(url("round-close", open_round.pk), follow=True)
    assert closing.status_code == 200 and messages_of(closing)
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.REVIEW


def test_conclude_waits_for_the_end_of_the_notice(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Any],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    apply(open_round, organizations[2], county_officer)
    round = advance(open_round, "selected")
    officer = login(county_officer)
    officer.post(url("round-notice", round.pk), {"starts_on": ""})
    round.refresh_from_db()
    assert round.status == RoundStatus.NOTICE and round.notice_starts_on == TODAY
    early = officer.post(url("round-conclude", round.pk), follow=True)
    assert f"The public notice runs until {round.notice_ends_on}." in messages_of(early)
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    refused = officer.post(url("objection-list", round.pk), {"text": "有异议。", "received_on": future})
    assert refused.status_code == 200 and not Objection.objects.exists()
    assert "The date received cannot be in the future." in " ".join(messages_of(refused))


# Who sees and does what --------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(open_round: Round, client: Client) -> None:
    for name in ("round-list", "round-create"):
        response = client.get(url(name))
        assert response.status_code == 302 and "login" in response["Location"]
    for name in ("round-detail", "round-edit", "round-ranking", "objection-list"):
        assert "login" in client.get(url(name, open_round.pk))["Location"]
    for name in (
        "round-open",
        "round-start-review",
        "round-draw",
        "round-select",
        "round-notice",
        "round-close",
    ):
        assert "login" in client.post(url(name, open_round.pk))["Location"]
    open_round.refresh_from_db()
    assert open_round.status == RoundStatus.OPEN and not Draw.objects.exists()


WRITES = [
    "round-edit",
    "round-scope",
    "round-sources",
    "round-rubric",
    "round-open",
    "round-start-review",
    "round-draw",
    "round-select",
    "round-notice",
    "round-conclude",
    "round-close",
]


def test_a_town_officer_reads_the_countys_published_rounds_but_may_not_run_them(
    make_round: Callable[..., Round], county_officer: User, daibu_officer: User, login: Login
) -> None:
    round = make_round()
    town = login(daibu_officer)
    assert town.get(url("round-create")).status_code == 403
    assert town.post(url("round-create"), terms()).status_code == 403
    # A draft stays with the county.
    assert town.get(url("round-detail", round.pk)).status_code == 404
    assert round.title not in town.get(url("round-list")).content.decode()
    rounds.open_round(round, by=county_officer)
    page = town.get(url("round-detail", round.pk))
    assert page.status_code == 200 and url("round-start-review", round.pk) not in page.content.decode()
    assert round.title in town.get(url("round-list")).content.decode()
    for name in WRITES:
        assert town.post(url(name, round.pk)).status_code == 403, name
    round.refresh_from_db()
    assert round.status == RoundStatus.OPEN and Round.objects.count() == 1


def test_another_county_gets_404(
    open_round: Round,
    county_officer: User,
    organizations: list[Organization],
    experts: list[Any],
    advance: Callable[..., Round],
    jintan_officer: User,
    jintan_administrator: User,
    login: Login,
) -> None:
    apply(open_round, organizations[2], county_officer)
    round = advance(open_round, "notice")
    objection = selection.record_objection(
        round, text="有异议。", by=None, received_on=TODAY - datetime.timedelta(days=1)
    )
    draw = Draw.objects.get(round=round)
    other = login(jintan_officer)
    for name in ("round-detail", "round-edit", "round-ranking", "objection-list"):
        assert other.get(url(name, round.pk)).status_code == 404, name
    for name in WRITES:
        assert other.post(url(name, round.pk)).status_code == 404, name
    assert other.get(url("draw-detail", draw.pk)).status_code == 404
    assert (
        other.post(url("objection-answer", objection.pk), {"answer": "x", "upheld": "no"}).status_code == 404
    )
    assert round.title not in other.get(url("round-list")).content.decode()
    # The other county's administrator has no funding pages at all.
    assert login(jintan_administrator).get(url("round-list")).status_code == 403
    objection.refresh_from_db()
    assert objection.answered_on is None


def test_an_organization_sees_its_countys_published_rounds_and_no_staff_page(
    make_round: Callable[..., Round],
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    jintan_officer: User,
    login: Login,
) -> None:
    draft = make_round(title="尚未公布的公益创投")
    published = rounds.open_round(make_round(title="已公布的公益创投"), by=county_officer)
    elsewhere = rounds.create_round(
        region=region(CHANGZHOU_OTHER_COUNTY),
        title="金坛区公益创投",
        call_text="金坛区的征集。",
        opens_on=TODAY,
        closes_on=TODAY,
        by=jintan_officer,
    )
    org = login(organization_account)
    listing = org.get(url("round-list"))
    html = listing.content.decode()
    assert published.title in html and draft.title not in html and elsewhere.title not in html
    assert url("application-create", published.pk) in html
    assert org.get(url("round-detail", draft.pk)).status_code == 404
    assert org.get(url("round-detail", elsewhere.pk)).status_code == 404
    page = org.get(url("round-detail", published.pk))
    assert page.status_code == 200 and "面向全市社会组织征集公益创投项目。" in page.content.decode()
    assert 'data-testid="history"' not in page.content.decode()
    assert url("application-create", published.pk) in page.content.decode()
    for name in ("round-ranking", "objection-list", "round-edit"):
        assert org.get(url(name, published.pk)).status_code == 403, name
    assert org.get(url("round-create")).status_code == 403
    for name in WRITES:
        assert org.post(url(name, published.pk)).status_code == 403, name
    published.refresh_from_db()
    assert published.status == RoundStatus.OPEN


def test_an_organization_cannot_see_a_draw(
    open_round: Round,
    county_officer: User,
    organization_account: User,
    organizations: list[Organization],
    experts: list[Any],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    apply(open_round, organizations[0], organization_account)
    advance(open_round, "review")
    draw = login(county_officer).post(url("round-draw", open_round.pk), {"seed": "s1"})
    pk = Draw.objects.get(round=open_round).pk
    assert draw["Location"] == url("draw-detail", pk)
    assert login(organization_account).get(url("draw-detail", pk)).status_code == 403


# Lists -------------------------------------------------------------------------------------


def test_the_list_filters_by_year_and_status(
    make_round: Callable[..., Round], county_officer: User, login: Login
) -> None:
    older = make_round(title="2025年度公益创投", year=2025)
    newer = rounds.open_round(make_round(title="2026年度公益创投", year=2026), by=county_officer)
    officer = login(county_officer)
    by_year = officer.get(url("round-list"), {"year": "2025"}).content.decode()
    assert older.title in by_year and newer.title not in by_year
    by_status = officer.get(url("round-list"), {"status": "open"}).content.decode()
    assert newer.title in by_status and older.title not in by_status
    none = officer.get(url("round-list"), {"status": "closed"}).content.decode()
    assert "No round matches these filters." in none


def test_the_round_list_takes_the_same_queries_for_more_rounds(
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    login: Login,
) -> None:
    def add_rounds(count: int) -> None:
        for _ in range(count):
            round = rounds.open_round(make_round(), by=county_officer)
            apply(round, organizations[2], county_officer)
            apply(round, organizations[1], county_officer, submit=False)

    officer = login(county_officer)
    add_rounds(2)
    officer.get(url("round-list"))
    with CaptureQueriesContext(connection) as few:
        first = officer.get(url("round-list"))
    add_rounds(4)
    with CaptureQueriesContext(connection) as more:
        second = officer.get(url("round-list"))
    assert len(second.context["rows"]) == 6 > len(first.context["rows"])
    assert len(more) == len(few)
    counts = second.context["rows"][0]["counts"]
    assert {status: n for status, _label, n in counts} == {"draft": 1, "eligible": 1}
    assert Application.objects.filter(status=ApplicationStatus.ELIGIBLE).count() == 6


def test_the_ranking_and_objections_take_the_same_queries_for_more_rows(
    make_round: Callable[..., Round],
    county_officer: User,
    organizations: list[Organization],
    experts: list[Any],
    advance: Callable[..., Round],
    login: Login,
) -> None:
    small = rounds.open_round(make_round(), by=county_officer)
    apply(small, organizations[0], county_officer)
    small = advance(small, "notice")
    large = rounds.open_round(make_round(), by=county_officer)
    for organization in organizations:
        apply(large, organization, county_officer)
    large = advance(large, "notice")
    officer = login(county_officer)
    officer.get(url("round-ranking", small.pk))
    with CaptureQueriesContext(connection) as few:
        one = officer.get(url("round-ranking", small.pk))
    with CaptureQueriesContext(connection) as more:
        three = officer.get(url("round-ranking", large.pk))
    assert (len(one.context["ranked"]), len(three.context["ranked"])) == (1, 3)
    assert len(more) == len(few)

    received = TODAY - datetime.timedelta(days=1)
    for application in [None, *large.applications.all()]:
        target = small if application is None else large
        selection.record_objection(
            target, text="有异议。", by=None, received_on=received, application=application, contact=PHONE
        )
    with CaptureQueriesContext(connection) as few:
        one = officer.get(url("objection-list", small.pk))
    with CaptureQueriesContext(connection) as more:
        three = officer.get(url("objection-list", large.pk))
    assert (len(one.context["objections"]), len(three.context["objections"])) == (1, 3)
    assert len(more) == len(few)
    assert PHONE not in three.content.decode()


def test_county_staff_enter_paper_applications_from_an_open_round(
    make_round: Callable[..., Round], county_officer: User, login: Login
) -> None:
    round = make_round()
    client = login(county_officer)
    assert 'data-testid="enter-paper"' not in client.get(url("round-detail", round.pk)).content.decode()
    rounds.open_round(round, by=county_officer)
    page = client.get(url("round-detail", round.pk)).content.decode()
    assert 'data-testid="enter-paper"' in page and url("application-create", round.pk) in page
    assert client.get(url("application-create", round.pk)).status_code == 200
