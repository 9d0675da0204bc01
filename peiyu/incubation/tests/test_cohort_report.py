"""The graduation report of a cohort: a small cohort of three (one graduated by filing through
the registry, one left early, one still in residence) read as a page, a Word document and a
workbook, and who may read it."""

from __future__ import annotations

import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook

from peiyu.accounts.models import User
from peiyu.incubation.models import (
    Call,
    CallStatus,
    Dimension,
    Incubator,
    IntakeStatus,
    Residency,
    ResidencyStatus,
    ServiceKind,
    Stage,
)
from peiyu.incubation.services import graduation, incubators, intake, residencies, subsidies
from peiyu.incubation.services.common import add_months
from peiyu.lib.docx import text_of
from peiyu.orgs import services as registry
from peiyu.orgs.tests.conftest import filing_payload
from peiyu.testing import DAIBU, first_village

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
STARTED = add_months(TODAY, -4)


def open_call(incubator: Incubator, by: User, title: str = "2026年第一期入驻招募") -> Call:
    call = incubators.create_call(
        incubator,
        values=incubators.CallValues(
            title=title,
            text="面向戴埠镇的社区社会组织和筹备中的团队。",
            places=5,
            opens_on=TODAY - datetime.timedelta(days=10),
            closes_on=TODAY + datetime.timedelta(days=10),
        ),
        by=by,
    )
    return incubators.move_call(call, to=CallStatus.OPEN, by=by)


def admitted(call: Call, name: str, by: User) -> Residency:
    application = intake.submit_intake(
        incubator=call.incubator,
        applicant=intake.Applicant(
            name=name,
            region=first_village(DAIBU),
            contact_name="李四",
            contact_phone="13812345678",
            plan="组织村民开展邻里互助。",
            members=6,
        ),
        by=by,
        call=call,
    )
    intake.decide_intake(application, decision=IntakeStatus.ADMITTED, by=by, started_on=STARTED)
    return Residency.objects.get(intake=application)


def assess(residency: Residency, stage: str, points: int, by: User, day: datetime.date) -> None:
    dimensions = Dimension.objects.filter(incubator=residency.incubator, is_active=True)
    residencies.assess_growth(
        residency, stage=stage, scores={d.pk: points for d in dimensions}, by=by, assessed_on=day
    )


@pytest.fixture
def cohort(incubator: Incubator, county_officer: User, daibu_officer: User) -> dict[str, Any]:
    """Three residents: 守望队 graduates by filing with 戴埠镇, 文艺队 leaves, 互助会 stays."""
    call = open_call(incubator, county_officer)
    graduate = admitted(call, "戴埠镇邻里守望队", county_officer)
    leaver = admitted(call, "戴埠镇文艺队", county_officer)
    current = admitted(call, "戴埠镇互助会", county_officer)
    service = residencies.ServiceValues
    residencies.record_service(
        graduate,
        values=service(ServiceKind.REGISTRATION_GUIDANCE, STARTED, "孵化中心", Decimal("2.5"), attendees=3),
        by=county_officer,
    )
    residencies.record_service(
        graduate, values=service(ServiceKind.POLICY, TODAY, "民政局", Decimal("1.5"), 2), by=county_officer
    )
    residencies.record_service(
        leaver, values=service(ServiceKind.POLICY, STARTED, "民政局", Decimal(2), 1), by=county_officer
    )
    # 5 dimensions of 20 points: 8 each is 40 %, 16 each is 80 %.
    assess(graduate, Stage.INTAKE, 8, county_officer, STARTED)
    assess(graduate, Stage.EXIT, 16, county_officer, TODAY)
    assess(current, Stage.INTAKE, 10, county_officer, STARTED)
    paid = subsidies.grant_residency_subsidy(
        graduate, amount=Decimal(6000), year=TODAY.year, by=county_officer
    )
    subsidies.pay_subsidy(paid, paid_on=TODAY, voucher="V-1", by=county_officer)
    subsidies.grant_residency_subsidy(current, amount=Decimal(4000), year=TODAY.year, by=county_officer)

    graduate = graduation.start_graduation(
        graduate, by=county_officer, kind="filing", payload=filing_payload("戴埠镇邻里守望队")
    )
    assert graduate.application is not None
    registry.decide_application(graduate.application, decision="approved", by=daibu_officer)
    residencies.exit_residency(leaver, reason="骨干外出务工，无法继续", by=county_officer)
    graduate.refresh_from_db()
    assert graduate.status == ResidencyStatus.GRADUATED and graduate.organization is not None
    return {"call": call, "graduate": graduate, "leaver": leaver, "current": current}


def test_the_page_counts_the_cohort(cohort: dict[str, Any], county_officer: User, login: Any) -> None:
    call, graduate = cohort["call"], cohort["graduate"]
    response = login(county_officer).get(f"/incubation/calls/{call.pk}/report/")
    assert response.status_code == 200
    report = response.context["report"]
    assert (report.admitted, report.current, report.graduated, report.left_early) == (3, 1, 1, 1)
    assert (report.graduated_filed, report.graduated_registered) == (1, 0)
    assert report.graduation_rate == Decimal("33.3")
    assert report.average_months == (Decimal((TODAY - STARTED).days) / Decimal("30.4375")).quantize(
        Decimal("0.1")
    )
    assert (report.growth_count, report.intake_average, report.exit_average) == (1, 40, 80)
    services = {line.kind: (line.count, line.hours, line.attendees) for line in report.services}
    assert services == {
        ServiceKind.REGISTRATION_GUIDANCE: (1, Decimal("2.5"), 3),
        ServiceKind.POLICY: (2, Decimal("3.5"), 3),
    }
    money = {line.kind: (line.granted, line.paid) for line in report.subsidies}
    assert money == {"residency": (Decimal(10000), Decimal(6000))}
    rows = {row.residency.pk: row for row in report.residents}
    first = rows[graduate.pk]
    assert first.code == graduate.organization.filing_number and first.code
    assert first.application_reference == graduate.application.reference
    assert (first.service_hours, first.intake_percent, first.exit_percent) == (Decimal(4), 40, 80)
    assert first.subsidies == 6000
    assert rows[cohort["current"].pk].exit_percent is None and rows[cohort["current"].pk].subsidies == 4000
    page = response.content.decode()
    assert 'data-count="filed">1<' in page and 'data-count="left">1<' in page and "33.3%" in page
    assert graduate.organization.filing_number in page and graduate.application.reference in page


def test_the_word_report_reads_back(cohort: dict[str, Any], county_officer: User, login: Any) -> None:
    call, graduate = cohort["call"], cohort["graduate"]
    response = login(county_officer).get(f"/incubation/calls/{call.pk}/report.docx")
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    text = text_of(response.content)
    assert "孵化出壳报告" in text and call.incubator.name in text and call.title in text
    assert "3家" in text and "1家（备案1家，登记0家）" in text and "33.3%" in text
    assert "平均得分率由入驻时的40.0%提高到出壳时的80.0%" in text
    assert "戴埠镇邻里守望队" in text and "戴埠镇文艺队" in text and "戴埠镇互助会" in text
    assert graduate.organization.filing_number in text and graduate.application.reference in text
    assert "10,000.00" in text and "6,000.00" in text
    assert f"{TODAY.year}年{TODAY.month}月{TODAY.day}日" in text


def test_the_workbook_has_the_summary_the_services_the_subsidies_and_the_residents(
    cohort: dict[str, Any], county_officer: User, login: Any
) -> None:
    call = cohort["call"]
    response = login(county_officer).get(f"/incubation/calls/{call.pk}/report.xlsx")
    assert response.status_code == 200
    summary, services, money, residents = load_workbook(BytesIO(response.content)).worksheets
    values = [row[1] for row in summary.iter_rows(min_row=2, values_only=True)]
    assert values[:2] == [call.incubator.name, call.title]
    assert values[3:9] == [3, 1, 1, 1, 0, 1]
    assert [row[1:] for row in services.iter_rows(min_row=2, values_only=True)][-1] == (3, 6, 6)
    assert list(money.iter_rows(min_row=2, values_only=True))[-1][1:] == (10000, 6000)
    names = [row[0] for row in residents.iter_rows(min_row=2, values_only=True)]
    assert sorted(names) == sorted(["戴埠镇邻里守望队", "戴埠镇文艺队", "戴埠镇互助会"])


def test_an_empty_cohort_reads_as_such(incubator: Incubator, county_officer: User, login: Any) -> None:
    call = open_call(incubator, county_officer)
    client = login(county_officer)
    response = client.get(f"/incubation/calls/{call.pk}/report/")
    assert response.status_code == 200 and 'data-testid="empty"' in response.content.decode()
    assert response.context["report"].graduation_rate is None
    assert "本期尚无同时完成入驻评估和出壳评估的组织" in text_of(
        client.get(f"/incubation/calls/{call.pk}/report.docx").content
    )
    assert client.get(f"/incubation/calls/{call.pk}/report.xlsx").status_code == 200


def test_the_operator_reads_its_own_cohort_and_nobody_else_does(
    cohort: dict[str, Any],
    incubator_operator: User,
    other_operator: User,
    tianmuhu_officer: User,
    village_worker: User,
    login: Any,
) -> None:
    pk = cohort["call"].pk
    urls = [
        f"/incubation/calls/{pk}/report/",
        f"/incubation/calls/{pk}/report.docx",
        f"/incubation/calls/{pk}/report.xlsx",
    ]
    own = login(incubator_operator)
    for persona, status in ((other_operator, 404), (tianmuhu_officer, 404), (village_worker, 403)):
        client = login(persona)
        for url in urls:
            assert client.get(url).status_code == status, (persona, url)
    for url in urls:
        assert own.get(url).status_code == 200
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response["Location"]
