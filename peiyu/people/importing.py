"""Import volunteers and service hours with the registry's all-or-nothing importer: the same
spreadsheet reader, the same row-numbered errors, the same preview-then-confirm upload
(``orgs.ImportBatch``). Volunteer rows go through ``VolunteerForm`` as on the screen; hours rows
are checked for their volunteer, organizer, span and overlaps, within the file and against what
is recorded. Any error anywhere means nothing is written."""

from __future__ import annotations

import datetime
import io
import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import openpyxl
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.lib import spreadsheet
from peiyu.orgs.importing import Checked, RowError, regions_for
from peiyu.orgs.models import Organization
from peiyu.people.forms.volunteers import VolunteerForm
from peiyu.people.models import HoursSource, IdType, RegisteredVia, ServiceRecord, Skill, Volunteer
from peiyu.people.services import hours, volunteers
from peiyu.regions.models import Region

VOLUNTEER_COLUMNS: dict[str, str] = {
    "姓名": "name",
    "证件号码": "id_number",
    "手机号码": "phone",
    "所在地区代码": "region",
    "证件类型": "id_type",
    "技能": "skills",
    "服务时段": "availability",
    "服务组织代码": "organization",
}
VOLUNTEER_REQUIRED = list(VOLUNTEER_COLUMNS)[:4]
HOURS_COLUMNS: dict[str, str] = {
    "志愿者编号": "volunteer",
    "组织者代码": "organization",
    "活动名称": "title",
    "开始时间": "started_at",
    "结束时间": "ended_at",
    "服务地点": "place",
    "服务内容": "content",
}
HOURS_REQUIRED = list(HOURS_COLUMNS)[:5]
ALIASES = {
    "身份证号": "证件号码",
    "身份证号码": "证件号码",
    "联系电话": "手机号码",
    "手机": "手机号码",
    "地区代码": "所在地区代码",
}
ID_TYPES = {
    "居民身份证": IdType.RESIDENT,
    "身份证": IdType.RESIDENT,
    "港澳台居民居住证": IdType.HMT,
    "护照": IdType.PASSPORT,
}
AVAILABILITY = {"工作日白天": "weekday", "工作日晚上": "evening", "周末": "weekend", "节假日": "holiday"}
KINDS = {"volunteers": _("volunteers"), "hours": _("service hours")}


def _split(text: str) -> list[str]:
    return [part.strip() for part in re.split(r"[、,，;；/]", text) if part.strip()]


def parse_datetime(text: str) -> datetime.datetime | None:
    """A date and time as offices type them (2026-03-05 08:30, 2026/3/5 8:30, 2026年3月5日 8:30)
    or an Excel serial number with a fraction; None if empty; ValueError if not a time."""
    text = text.strip()
    if not text:
        return None
    try:
        serial = float(text)
    except ValueError:
        pass
    else:
        if 1 <= serial <= 73050:
            zone = timezone.get_current_timezone()
            moment = datetime.datetime(1899, 12, 30, tzinfo=zone) + datetime.timedelta(days=serial)
            return moment.replace(second=0, microsecond=0)
        raise ValueError(text)
    normal = re.sub(r"[年月/.]", "-", text).replace("日", " ").replace("T", " ")
    normal = re.sub(r"\s+", " ", normal).strip()
    match = re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{2})(?::(\d{2}))?", normal)
    if not match:
        raise ValueError(text)
    year, month, day, hour, minute, second = (int(g) if g else 0 for g in match.groups())
    return datetime.datetime(year, month, day, hour, minute, second, tzinfo=timezone.get_current_timezone())


def _organizations(user: User) -> dict[str, Organization]:
    found = (
        Organization.objects.visible_to(user)
        .filter(status="active")
        .only("pk", "uscc", "filing_number", "name")
    )
    codes: dict[str, Organization] = {}
    for organization in found:
        for code in (organization.uscc, organization.filing_number):
            if code:
                codes[code] = organization
    return codes


def read(
    data: bytes, filename: str, columns: Mapping[str, str], required: Sequence[str]
) -> tuple[list[spreadsheet.Row], Checked]:
    try:
        sheet = spreadsheet.read(
            data,
            filename,
            required=required,
            optional=[c for c in columns if c not in required],
            aliases=ALIASES,
        )
    except spreadsheet.SpreadsheetError as error:
        return [], Checked(errors=[RowError(0, "", str(error))])
    checked = Checked(ignored_columns=list(sheet.ignored))
    if not sheet.rows:
        checked.errors.append(RowError(0, "", _("The spreadsheet has no rows below its header.")))
    return list(sheet.rows), checked


def check_volunteers(data: bytes, filename: str, user: User) -> Checked:
    rows, checked = read(data, filename, VOLUNTEER_COLUMNS, VOLUNTEER_REQUIRED)
    regions = regions_for(user)
    skills = {s.name: s.code for s in Skill.objects.filter(is_active=True)}
    organizations = _organizations(user)
    seen: dict[str, int] = {}
    for row in rows:
        values, errors = row.values, []
        form_data: dict[str, Any] = {key: values.get(header, "") for header, key in VOLUNTEER_COLUMNS.items()}
        form_data["id_type"] = ID_TYPES.get(values.get("证件类型", "") or "居民身份证", "")
        if not form_data["id_type"]:
            errors.append(
                RowError(
                    row.number,
                    "证件类型",
                    _("“%(value)s” is not one of: %(allowed)s.")
                    % {"value": values.get("证件类型"), "allowed": "、".join(ID_TYPES)},
                )
            )
        form_data["skills"], unknown = [], []
        for item in _split(values.get("技能", "")):
            (form_data["skills"].append(skills[item]) if item in skills else unknown.append(item))
        if unknown:
            errors.append(
                RowError(row.number, "技能", _("Unknown entries: %(items)s.") % {"items": "、".join(unknown)})
            )
        form_data["availability"] = [
            AVAILABILITY.get(item, item) for item in _split(values.get("服务时段", ""))
        ]
        code = values.get("服务组织代码", "")
        if code and code not in organizations:
            errors.append(
                RowError(row.number, "服务组织代码", _("No active organization in your scope has this code."))
            )
        for header in VOLUNTEER_COLUMNS:
            if spreadsheet.is_formula(values.get(header, "")):
                errors.append(RowError(row.number, header, _("Looks like a formula; type the value itself.")))
        form = VolunteerForm(form_data, regions=regions)
        if not errors and not form.is_valid():
            header_of = {key: header for header, key in VOLUNTEER_COLUMNS.items()}
            for name, messages in form.errors.items():
                errors.extend(RowError(row.number, header_of.get(name, ""), str(m)) for m in messages)
        if errors:
            checked.errors.extend(errors)
            continue
        clean = form.cleaned_data
        key = f"{clean['id_type']}:{clean['id_number']}"
        if key in seen:
            checked.errors.append(
                RowError(row.number, "证件号码", _("Same as row %(row)d.") % {"row": seen[key]})
            )
            continue
        seen[key] = row.number
        checked.rows.append(row.number)
        checked.records.append(
            {
                "name": clean["name"],
                "id_type": clean["id_type"],
                "id_number": clean["id_number"],
                "phone": clean["phone"],
                "region": clean["region"],
                "skills": [s.code for s in clean["skills"]],
                "availability": clean["availability"],
                "organization": code,
            }
        )
    _check_registered(checked)
    return checked


def _check_registered(checked: Checked) -> None:
    numbers = [r["id_number"] for r in checked.records]
    taken: set[str] = set()
    for start in range(0, len(numbers), 500):
        taken.update(
            Volunteer.objects.filter(id_number__in=numbers[start : start + 500]).values_list(
                "id_number", flat=True
            )
        )
    for record, number in zip(checked.records, checked.rows, strict=True):
        if record["id_number"] in taken:
            checked.errors.append(RowError(number, "证件号码", _("Already registered as a volunteer.")))
    checked.errors.sort(key=lambda e: e.row)


def check_hours(data: bytes, filename: str, user: User) -> Checked:
    rows, checked = read(data, filename, HOURS_COLUMNS, HOURS_REQUIRED)
    organizations = _organizations(user)
    wanted = {row.values.get("志愿者编号", "") for row in rows}
    people = {
        v.number: v
        for v in Volunteer.objects.filter(number__in=[w for w in wanted if w][:100_000]).only(
            "pk", "number", "name"
        )
    }
    spans: dict[int, list[tuple[datetime.datetime, datetime.datetime, int]]] = defaultdict(list)
    for row in rows:
        values, errors = row.values, []
        volunteer = people.get(values.get("志愿者编号", ""))
        if volunteer is None:
            errors.append(RowError(row.number, "志愿者编号", _("No volunteer has this number.")))
        organization = organizations.get(values.get("组织者代码", ""))
        if organization is None:
            errors.append(
                RowError(row.number, "组织者代码", _("No active organization in your scope has this code."))
            )
        moments: dict[str, datetime.datetime | None] = {}
        for header in ("开始时间", "结束时间"):
            try:
                moments[header] = parse_datetime(values.get(header, ""))
            except ValueError:
                errors.append(
                    RowError(
                        row.number,
                        header,
                        _("“%(value)s” is not a date and time (write 2026-03-05 08:30).")
                        % {"value": values.get(header)},
                    )
                )
        title = values.get("活动名称", "").strip()
        if not title:
            errors.append(RowError(row.number, "活动名称", _("This field is required.")))
        for header, moment in moments.items():
            if moment is None:
                errors.append(RowError(row.number, header, _("This field is required.")))
        start, end = moments.get("开始时间"), moments.get("结束时间")
        if start is not None and end is not None:
            if end <= start:
                errors.append(
                    RowError(row.number, "结束时间", _("The end of the service must be after its start."))
                )
            elif volunteer is not None:
                for other_start, other_end, other_row in spans[volunteer.pk]:
                    if start < other_end and end > other_start:
                        errors.append(
                            RowError(
                                row.number,
                                "开始时间",
                                _("Overlaps row %(row)d for the same volunteer.") % {"row": other_row},
                            )
                        )
                        break
                else:
                    spans[volunteer.pk].append((start, end, row.number))
        if errors or volunteer is None or start is None or end is None:
            checked.errors.extend(errors)
            continue
        checked.rows.append(row.number)
        checked.records.append(
            {
                "volunteer": volunteer.number,
                "organization": values["组织者代码"],
                "title": title[:100],
                "started_at": start.isoformat(),
                "ended_at": end.isoformat(),
                "place": values.get("服务地点", "")[:100],
                "content": values.get("服务内容", "")[:300],
            }
        )
    _check_recorded_overlaps(checked, people)
    return checked


def _check_recorded_overlaps(checked: Checked, people: Mapping[str, Volunteer]) -> None:
    """Rows that overlap hours already recorded: the recorded spans of the file's volunteers are
    read once, in chunks, not once per row."""
    spans = [
        (
            number,
            people[r["volunteer"]],
            datetime.datetime.fromisoformat(r["started_at"]),
            datetime.datetime.fromisoformat(r["ended_at"]),
        )
        for r, number in zip(checked.records, checked.rows, strict=True)
    ]
    if not spans:
        return
    low, high = min(s[2] for s in spans), max(s[3] for s in spans)
    ids = sorted({s[1].pk for s in spans})
    recorded: dict[int, list[tuple[datetime.datetime, datetime.datetime]]] = defaultdict(list)
    for start in range(0, len(ids), 500):
        rows = ServiceRecord.objects.counting().filter(
            volunteer_id__in=ids[start : start + 500], started_at__lt=high, ended_at__gt=low
        )
        for volunteer_id, begin, finish in rows.values_list("volunteer_id", "started_at", "ended_at"):
            recorded[volunteer_id].append((begin, finish))
    for number, volunteer, begin, finish in spans:
        if any(
            begin < other_end and finish > other_start for other_start, other_end in recorded[volunteer.pk]
        ):
            message = _("Overlaps hours already recorded for %(name)s.") % {"name": volunteer.name}
            checked.errors.append(RowError(number, "开始时间", message))
    checked.errors.sort(key=lambda e: e.row)


def confirm(kind: str, records: Sequence[dict[str, Any]], *, by: User, source_name: str) -> int:
    """Write every checked record in one transaction, through the same services as the screen;
    the first refusal undoes them all."""
    organizations = _organizations(by)
    with transaction.atomic(), audit.audit_context(event=f"people.import_{kind}", actor=by):
        for index, record in enumerate(records, start=1):
            try:
                _write(kind, record, organizations, by)
            except DomainError as error:
                raise DomainError(
                    _("Record %(index)d: %(message)s") % {"index": index, "message": str(error)}
                ) from None
        audit.record(
            event=f"people.import_{kind}",
            target_model=Volunteer,
            target_repr=source_name,
            actor=by,
            data={"rows": len(records)},
            region_code=by.region_id or "",
        )
    return len(records)


def _write(kind: str, record: dict[str, Any], organizations: Mapping[str, Organization], by: User) -> None:
    if kind == "volunteers":
        volunteers.register_volunteer(
            name=record["name"],
            id_type=record["id_type"],
            id_number=record["id_number"],
            phone=record["phone"],
            region=Region.objects.get(code=record["region"]),
            skills=list(Skill.objects.filter(code__in=record["skills"])),
            availability=record["availability"],
            organization=organizations.get(record["organization"]) if record["organization"] else None,
            via=RegisteredVia.IMPORT,
            by=by,
        )
        return
    hours.record_hours(
        volunteer=Volunteer.objects.get(number=record["volunteer"]),
        organization=organizations[record["organization"]],
        title=record["title"],
        started_at=datetime.datetime.fromisoformat(record["started_at"]),
        ended_at=datetime.datetime.fromisoformat(record["ended_at"]),
        place=record["place"],
        content=record["content"],
        source=HoursSource.RECORDED,
        by=by,
    )


def check(kind: str, data: bytes, filename: str, user: User) -> Checked:
    return (
        check_volunteers(data, filename, user) if kind == "volunteers" else check_hours(data, filename, user)
    )


NOTES: dict[str, str] = {
    "姓名": "实名，与证件一致",
    "证件号码": "18位居民身份证号码（末位可为X）；其他证件照证件填写",
    "手机号码": "11位手机号码",
    "所在地区代码": "村（社区）或镇（街道）的12位统计用区划代码，见模板“地区代码”表",
    "证件类型": "居民身份证（默认）、港澳台居民居住证、护照",
    "技能": "多个用顿号分隔，如：助老服务、文艺表演",
    "服务时段": "工作日白天、工作日晚上、周末、节假日，多个用顿号分隔",
    "服务组织代码": "可选：志愿者所服务组织的统一社会信用代码或备案编号",
    "志愿者编号": "志愿者编号（在志愿者名册中可查）",
    "组织者代码": "组织方的统一社会信用代码或备案编号",
    "活动名称": "活动或项目名称",
    "开始时间": "如 2026-10-29 08:30",
    "结束时间": "如 2026-10-29 11:30，须晚于开始时间",
    "服务地点": "可选",
    "服务内容": "可选",
}


def template_bytes(kind: str, regions: Mapping[str, str]) -> bytes:
    """An empty sheet with the columns, a sheet explaining each, and the region codes the user
    may use. No example row: a sample identity number left in place would be imported."""
    headers = list(VOLUNTEER_COLUMNS if kind == "volunteers" else HOURS_COLUMNS)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = str(KINDS[kind])
    sheet.append(headers)
    notes = book.create_sheet("填写说明")
    notes.append(["列", "填写要求"])
    for header in headers:
        notes.append([header, NOTES[header]])
    if kind == "volunteers":
        codes = book.create_sheet("地区代码")
        codes.append(["代码", "名称"])
        for code, name in sorted(regions.items()):
            codes.append([code, name])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
