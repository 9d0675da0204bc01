"""The case file of a mediation (人民调解卷宗), rendered from ``documents/case_file.docx`` in
Chinese whatever the user's interface language, in the order of the 司法部 formats: cover,
contents, registration, mediation records, the agreement (written or oral), follow-up visits,
judicial confirmation, the closing statement and the back cover. The parties' phones and
identity numbers are always masked, as on the pages (the document says so in its footer). It is
printed on demand, so nothing is stored."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from django.utils import timezone

from peiyu.activities.models import (
    AgreementForm,
    CaseSource,
    CaseStatus,
    DisputeType,
    FollowUp,
    MediationCase,
    Party,
    PartyRole,
    Performance,
    Session,
)
from peiyu.lib import docx
from peiyu.lib.masking import mask_id_card
from peiyu.orgs.docx import official

TEMPLATES = Path(__file__).resolve().parent / "documents"

# The document speaks the 司法部 formats' words, not the interface's translations.
DISPUTE_TYPES = {
    DisputeType.MARRIAGE_FAMILY: "婚姻家庭纠纷",
    DisputeType.NEIGHBOUR: "邻里纠纷",
    DisputeType.HOUSING: "房屋宅基地纠纷",
    DisputeType.CONTRACT: "合同纠纷",
    DisputeType.BUSINESS: "生产经营纠纷",
    DisputeType.DAMAGES: "损害赔偿纠纷",
    DisputeType.LAND: "山林土地纠纷",
    DisputeType.DEMOLITION: "征地拆迁纠纷",
    DisputeType.ENVIRONMENT: "环境污染纠纷",
    DisputeType.LABOUR: "劳动争议纠纷",
    DisputeType.CONSUMER: "消费纠纷",
    DisputeType.MEDICAL: "医疗纠纷",
    DisputeType.TRAFFIC: "道路交通事故纠纷",
    DisputeType.PROPERTY_MANAGEMENT: "物业纠纷",
    DisputeType.OTHER: "其他纠纷",
}
SOURCES = {
    CaseSource.APPLICATION: "当事人申请",
    CaseSource.INITIATIVE: "调委会主动调解",
    CaseSource.POLICE: "公安机关移交",
    CaseSource.COURT: "人民法院委托",
    CaseSource.GOVERNMENT: "政府指定",
}
ROLES = {PartyRole.APPLICANT: "申请人", PartyRole.RESPONDENT: "被申请人", PartyRole.OTHER: "其他当事人"}
PERFORMANCE = {
    Performance.PENDING: "尚未到期或尚未回访",
    Performance.PERFORMED: "已履行",
    Performance.PARTLY: "部分履行",
    Performance.NOT_PERFORMED: "未履行",
}
SATISFACTION = {True: "满意", False: "不满意", None: "未询问"}
NUMERALS = "零一二三四五六七八九十"
ROLE_ORDER = {PartyRole.APPLICANT: 0, PartyRole.RESPONDENT: 1, PartyRole.OTHER: 2}


def ordered_parties(case: MediationCase) -> list[Party]:
    """The applicants, then the respondents, then any other party, each in the order entered."""
    return sorted(case.parties.all(), key=lambda p: (ROLE_ORDER.get(PartyRole(p.role), 3), p.pk))


def _party_text(party: Party) -> str:
    """A party's basic information as the formats write it, phone and identity number masked."""
    parts = [
        party.name,
        party.sex,
        party.ethnicity,
        f"{party.age}岁" if party.age is not None else "",
        party.occupation,
        f"联系电话{party.masked_phone}" if party.phone else "",
        f"身份证号码{mask_id_card(party.id_number)}" if party.id_number else "",
        f"住址：{party.address}" if party.address else "",
    ]
    return "，".join(p for p in parts if p)


def _names(parties: list[Party], role: str) -> str:
    return "、".join(p.name for p in parties if p.role == role)


def _title(case: MediationCase, parties: list[Party]) -> str:
    """卷名: 王大明与李小红邻里纠纷."""
    applicants, respondents = _names(parties, PartyRole.APPLICANT), _names(parties, PartyRole.RESPONDENT)
    return f"{applicants}与{respondents}{DISPUTE_TYPES[DisputeType(case.dispute_type)]}"


def _outcome(case: MediationCase) -> str:
    if case.status == CaseStatus.SUCCEEDED:
        written = case.agreement_form == AgreementForm.WRITTEN
        return "调解成功，达成书面调解协议" if written else "调解成功，达成口头调解协议"
    if case.status == CaseStatus.FAILED:
        return "调解不成功，终止调解"
    return "调解中，尚未结案"


def _prevented(case: MediationCase) -> str:
    found = [
        text
        for flag, text in (
            (case.prevented_escalation, "防止民转刑案件"),
            (case.prevented_petition, "防止群体性上访"),
        )
        if flag
    ]
    return "、".join(found) or "无"


def _confirmation_state(case: MediationCase) -> str:
    if case.confirmed_on:
        return "已申请，人民法院已确认"
    if case.confirmation_applied_on:
        return "已申请，尚待人民法院确认"
    written = case.status == CaseStatus.SUCCEEDED and case.agreement_form == AgreementForm.WRITTEN
    return "未申请" if written else "不适用"


def _amount(amount: Decimal | None) -> str:
    return f"{amount:,.2f}" if amount is not None else ""


def _sessions(sessions: list[Session]) -> list[dict[str, Any]]:
    return [
        {
            "index": index,
            "held_at": f"{docx.chinese_date(s.held_at)} {timezone.localtime(s.held_at):%H:%M}",
            "place": s.place,
            "participants": s.participants,
            "record": s.record,
            "result": s.result,
            "recorder": s.recorded_by.display_name or s.recorded_by.username,
        }
        for index, s in enumerate(sessions, start=1)
    ]


def _follow_ups(visits: list[FollowUp]) -> list[dict[str, Any]]:
    return [
        {
            "visited_on": v.visited_on,
            "visitor": v.visitor,
            "performance": PERFORMANCE[Performance(v.performance)],
            "satisfied": SATISFACTION[v.satisfied],
            "note": v.note,
        }
        for v in visits
    ]


def _contents(case: MediationCase, sessions: int, visits: int) -> list[dict[str, Any]]:
    """The parts the file holds, in order."""
    names = ["人民调解受理登记表"]
    names += [f"人民调解记录（第{i}次）" for i in range(1, sessions + 1)]
    if case.status == CaseStatus.SUCCEEDED:
        written = case.agreement_form == AgreementForm.WRITTEN
        names.append("人民调解协议书" if written else "口头调解协议登记表")
    names += [f"人民调解回访记录（第{i}次）" for i in range(1, visits + 1)]
    if case.confirmation_applied_on:
        names.append("司法确认情况")
    names += ["卷宗情况说明", "卷宗封底"]
    return [{"index": i, "name": name} for i, name in enumerate(names, start=1)]


def case_file_context(case: MediationCase) -> dict[str, Any]:
    parties = ordered_parties(case)
    sessions = list(case.sessions.select_related("recorded_by"))
    visits = list(case.follow_ups.all())
    succeeded = case.status == CaseStatus.SUCCEEDED
    recorder = case.recorded_by.display_name or case.recorded_by.username
    return {
        "number": case.number,
        "title": _title(case, parties),
        "committee": case.committee,
        "organization": case.organization.name if case.organization else "",
        "place": case.region.path_name(),
        "dispute_type": DISPUTE_TYPES[DisputeType(case.dispute_type)],
        "source": SOURCES[CaseSource(case.source)],
        "parties": [{"role": ROLES[PartyRole(p.role)], "text": _party_text(p)} for p in parties],
        "party_names": "、".join(p.name for p in parties),
        "mediators": "、".join(m.name for m in case.mediators.all()),
        "recorder": recorder,
        "registered_on": case.registered_on,
        "closed_on": case.closed_on,
        "filed_on": case.closed_on or timezone.localdate(),
        "filer": recorder,
        "summary": case.summary,
        "claims": case.claims,
        "contents": _contents(case, len(sessions), len(visits)),
        "sessions": _sessions(sessions),
        "written": succeeded and case.agreement_form == AgreementForm.WRITTEN,
        "oral": succeeded and case.agreement_form == AgreementForm.ORAL,
        "agreement": {
            "terms": case.agreement_text,
            "agreed_on": case.agreed_on,
            "method": case.performance_method,
            "due": case.performance_due,
            "amount": _amount(case.amount),
            # One copy per party and one for the committee: 一式三份.
            "copies": NUMERALS[len(parties) + 1] if len(parties) < 10 else str(len(parties) + 1),
        },
        "follow_ups": _follow_ups(visits),
        "confirmation": case.confirmation_applied_on is not None,
        "applied_on": case.confirmation_applied_on,
        "court": case.confirmation_court,
        "confirmed_on": docx.chinese_date(case.confirmed_on) + "确认" if case.confirmed_on else "尚未确认",
        "outcome": _outcome(case),
        "failed": case.status == CaseStatus.FAILED,
        "failure_reason": case.failure_reason,
        "routes_told": case.routes_told,
        "performance": PERFORMANCE[Performance(case.performance)] if succeeded else "无调解协议",
        "prevented": _prevented(case),
        "confirmation_state": _confirmation_state(case),
    }


@official
def case_file_document(case: MediationCase) -> bytes:
    return docx.render(TEMPLATES / "case_file.docx", case_file_context(case))
