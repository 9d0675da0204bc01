"""Import organizations from the spreadsheets offices keep. Every row goes through
``OrganizationForm``, as on the screen; any error anywhere means nothing is written, and each
error names its row and its column as the spreadsheet does."""

from __future__ import annotations

import copy
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.lib import spreadsheet
from peiyu.orgs.forms import OrganizationForm, list_choices, region_choices
from peiyu.orgs.models import (
    Category,
    DevelopmentType,
    EstablishedHow,
    Event,
    Field,
    LegalForm,
    Organization,
    PartyOrganization,
    Source,
    Status,
    TargetGroup,
)
from peiyu.orgs.services import apply_payload, authority_of, payload_from
from peiyu.regions.models import Region

# Spreadsheet column → form field. The first eleven are required columns.
COLUMNS: dict[str, str] = {
    "名称": "name",
    "统一社会信用代码": "uscc",
    "备案编号": "filing_number",
    "来源": "source",
    "法人类型": "legal_form",
    "类别": "category",
    "发展类型": "development_type",
    "所在地区代码": "region",
    "负责人": "leader_name",
    "联系电话": "leader_phone",
    "成立日期": "established_on",
    "活动领域": "activity_fields",
    "服务对象": "target_groups",
    "活动场所": "address",
    "成立方式": "established_how",
    "活动人数": "active_people",
    "联系人": "contact_name",
    "联系人电话": "contact_phone",
    "业务指导单位": "guidance_unit",
    "党组织": "party_organization",
    "备案日期": "filed_on",
    "登记日期": "registered_on",
    "宗旨和业务范围": "description",
}
REQUIRED = list(COLUMNS)[:11]
OPTIONAL = list(COLUMNS)[11:]
HEADER_OF = {name: header for header, name in COLUMNS.items()}
ALIASES = {
    "社会信用代码": "统一社会信用代码",
    "信用代码": "统一社会信用代码",
    "地区代码": "所在地区代码",
    "负责人电话": "联系电话",
}
DATE_COLUMNS = {"established_on", "filed_on", "registered_on"}
MULTI_COLUMNS = {"activity_fields", "target_groups"}

# What offices write in choice columns. The interface's own labels are accepted as well, but
# these do not depend on the translation catalogue.
EXTRA_LABELS: dict[str, dict[str, str]] = {
    "source": {"登记": "registered", "备案": "filed", "外地": "external", "县域外": "external"},
    "legal_form": {
        "社会团体": "association",
        "民办非企业单位": "service_institution",
        "民非": "service_institution",
        "社会服务机构": "service_institution",
        "基金会": "foundation",
    },
    "established_how": {
        "群众自发": "spontaneous",
        "村（社区）培育": "community",
        "社区培育": "community",
        "孵化": "incubated",
        "单位发起": "sponsored",
        "其他": "other",
    },
    "party_organization": {
        "无": "none",
        "单独建立": "standalone",
        "联合建立": "joint",
        "党建指导员": "instructor",
    },
    "category": {
        "行业协会商会类": "trade",
        "科技": "science",
        "公益慈善": "charity",
        "城乡社区服务": "community",
        "行业协会商会": "trade",
        "科技类": "science",
        "公益慈善类": "charity",
        "城乡社区服务类": "community",
        "社区服务类": "community",
    },
    "development_type": {
        "基层基础型": "grassroots",
        "枢纽型": "hub",
        "行业型": "industry",
        "专业型": "professional",
        "网络型": "network",
    },
}
CHOICES = {
    "source": Source,
    "legal_form": LegalForm,
    "category": Category,
    "development_type": DevelopmentType,
    "established_how": EstablishedHow,
    "party_organization": PartyOrganization,
}


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        where = _("row %(row)d") % {"row": self.row} if self.row else _("the file")
        return f"{where}, {self.column}: {self.message}" if self.column else f"{where}: {self.message}"


@dataclass
class Checked:
    records: list[dict[str, Any]] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    ignored_columns: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and bool(self.records)


def _label_maps() -> dict[str, dict[str, str]]:
    """Label → value for every choice column, in Chinese and in English, plus the extras."""
    maps: dict[str, dict[str, str]] = {}
    for name, choices in CHOICES.items():
        mapping = {value: value for value in choices.values}
        for language in ("zh-hans", "en"):
            with translation.override(language):
                mapping.update({str(label): value for value, label in choices.choices})
        mapping.update(EXTRA_LABELS.get(name, {}))
        maps[name] = mapping
    return maps


def _list_maps() -> dict[str, dict[str, str]]:
    return {
        "activity_fields": {
            **{n: c for c, n in list_choices(Field)},
            **{c: c for c, _n in list_choices(Field)},
        },
        "target_groups": {
            **{n: c for c, n in list_choices(TargetGroup)},
            **{c: c for c, _n in list_choices(TargetGroup)},
        },
    }


def _split(value: str) -> list[str]:
    for separator in "，,、;；/|":
        value = value.replace(separator, " ")
    return value.split()


class RowChecker:
    """Turn spreadsheet rows into form data and check each through the form."""

    def __init__(self, regions: Mapping[str, str]) -> None:
        self.regions = regions
        self.labels = _label_maps()
        self.lists = _list_maps()
        # One form instance whose fields every row shares: Django copies a form's fields
        # deeply for each new instance, which was most of the cost of checking a row.
        self.template = OrganizationForm(
            regions=regions,
            field_choices=list_choices(Field),
            group_choices=list_choices(TargetGroup),
            purpose="import",
        )

    def bind(self, data: dict[str, Any]) -> OrganizationForm:
        """The template form bound to one row's data (fields are read-only while cleaning)."""
        form = copy.copy(self.template)
        form.data, form.is_bound, form._errors = data, True, None  # type: ignore[assignment,attr-defined]
        form._bound_fields_cache = {}  # type: ignore[attr-defined]
        return form

    def form_data(self, values: Mapping[str, str], number: int, errors: list[RowError]) -> dict[str, Any]:
        data: dict[str, Any] = {}
        for header, name in COLUMNS.items():
            text = values.get(header, "")
            if spreadsheet.is_formula(text):
                errors.append(RowError(number, header, _("Looks like a formula; type the value itself.")))
                continue
            if not text:
                continue
            if name in self.labels:
                value = self.labels[name].get(text)
                if value is None:
                    short = EXTRA_LABELS.get(name) or {
                        k: v for k, v in self.labels[name].items() if not k.isascii()
                    }
                    allowed = "、".join(short)
                    errors.append(
                        RowError(
                            number,
                            header,
                            _("“%(value)s” is not one of: %(allowed)s.")
                            % {"value": text, "allowed": allowed},
                        )
                    )
                    continue
                data[name] = value
            elif name in MULTI_COLUMNS:
                codes = [self.lists[name].get(item) for item in _split(text)]
                unknown = [item for item, code in zip(_split(text), codes, strict=True) if code is None]
                if unknown:
                    errors.append(
                        RowError(
                            number, header, _("Unknown entries: %(items)s.") % {"items": "、".join(unknown)}
                        )
                    )
                    continue
                data[name] = codes
            elif name in DATE_COLUMNS:
                try:
                    parsed = spreadsheet.parse_date(text)
                except ValueError:
                    errors.append(
                        RowError(
                            number,
                            header,
                            _("“%(value)s” is not a date (write 2024-03-05).") % {"value": text},
                        )
                    )
                    continue
                data[name] = parsed.isoformat() if parsed else ""
            else:
                data[name] = text
        return data

    def check(self, values: Mapping[str, str], number: int) -> tuple[dict[str, Any] | None, list[RowError]]:
        errors: list[RowError] = []
        data = self.form_data(values, number, errors)
        if errors:
            return None, errors
        form = self.bind(data)
        if form.is_valid():
            return payload_from(form.cleaned_data), []
        for name, messages in form.errors.items():
            column = HEADER_OF.get(name, "") if name != "__all__" else ""
            errors.extend(RowError(number, column, str(m)) for m in messages)
        return None, errors


def check_rows(rows: Iterable[spreadsheet.Row], regions: Mapping[str, str]) -> Checked:
    checker = RowChecker(regions)
    checked = Checked()
    for row in rows:
        record, errors = checker.check(row.values, row.number)
        checked.errors.extend(errors)
        if record is not None:
            checked.records.append(record)
            checked.rows.append(row.number)
    _check_duplicates(checked)
    return checked


def _check_duplicates(checked: Checked) -> None:
    """Codes and registered names must be unique within the file and against the registry."""
    seen: dict[tuple[str, str], int] = {}
    keys: dict[str, list[tuple[str, int]]] = {"uscc": [], "filing_number": [], "name": []}
    for record, number in zip(checked.records, checked.rows, strict=True):
        for key, header, value in _unique_keys(record):
            if (key, value) in seen:
                message = _("Same as row %(row)d.") % {"row": seen[(key, value)]}
                checked.errors.append(RowError(number, header, message))
            else:
                seen[(key, value)] = number
                keys[key if key != "name" else "name"].append((value, number))
    for column in ("uscc", "filing_number"):
        values = [v for v, _n in keys[column]]
        taken: set[str] = set()
        for start in range(0, len(values), 500):
            lookup = {f"{column}__in": values[start : start + 500]}
            taken.update(Organization.objects.filter(**lookup).values_list(column, flat=True))
        for value, number in keys[column]:
            if value in taken:
                checked.errors.append(RowError(number, HEADER_OF[column], _("Already in the registry.")))
    _check_names_taken(checked, keys["name"])
    checked.errors.sort(key=lambda e: (e.row, list(COLUMNS).index(e.column) if e.column in COLUMNS else -1))


def _unique_keys(record: dict[str, Any]) -> list[tuple[str, str, str]]:
    keys = []
    if record.get("uscc"):
        keys.append(("uscc", "统一社会信用代码", record["uscc"]))
    if record.get("filing_number"):
        keys.append(("filing_number", "备案编号", record["filing_number"]))
    if record["source"] == Source.REGISTERED:
        authority = authority_of(record["region"], Source.REGISTERED)
        keys.append(("name", "名称", f"{authority}:{record['name']}"))
    return keys


def _check_names_taken(checked: Checked, names: list[tuple[str, int]]) -> None:
    if not names:
        return
    wanted = {value for value, _n in names}
    plain = {value.split(":", 1)[1] for value in wanted}
    taken: set[str] = set()
    plain_list = sorted(plain)
    for start in range(0, len(plain_list), 500):
        rows = Organization.objects.filter(
            name__in=plain_list[start : start + 500], source=Source.REGISTERED, status=Status.ACTIVE
        ).values_list("authority_id", "name")
        taken.update(f"{authority}:{name}" for authority, name in rows)
    for value, number in names:
        if value in taken:
            message = _(
                "An active registered organization of this name already exists under the same authority."
            )
            checked.errors.append(RowError(number, "名称", message))


def read_and_check(data: bytes, filename: str, regions: Mapping[str, str]) -> Checked:
    try:
        sheet = spreadsheet.read(data, filename, required=REQUIRED, optional=OPTIONAL, aliases=ALIASES)
    except spreadsheet.SpreadsheetError as error:
        return Checked(errors=[RowError(0, "", str(error))])
    checked = check_rows(sheet.rows, regions)
    checked.ignored_columns = list(sheet.ignored)
    if not sheet.rows and not checked.errors:
        checked.errors.append(RowError(0, "", _("The spreadsheet has no rows below its header.")))
    return checked


def regions_for(user: User | None) -> dict[str, str]:
    queryset = Region.objects.all() if user is None or user.is_superuser else Region.objects.visible_to(user)
    return region_choices(queryset)


def create_records(records: Sequence[dict[str, Any]], *, by: User | None, source_name: str) -> int:
    """Write checked records in one transaction, in batches; one audit event for the import."""
    fields = {f.code: f.pk for f in Field.objects.all()}
    groups = {g.code: g.pk for g in TargetGroup.objects.all()}
    created = 0
    try:
        with transaction.atomic():
            created = _write(records, by=by, source_name=source_name, fields=fields, groups=groups)
    except IntegrityError:
        raise DomainError(
            _(
                "The registry changed while the file was being checked (a code or name is now taken); check the file again."
            )
        ) from None
    return created


def _write(
    records: Sequence[dict[str, Any]],
    *,
    by: User | None,
    source_name: str,
    fields: dict[str, int],
    groups: dict[str, int],
) -> int:
    created = 0
    actor = by if by is not None and by.pk else None
    for start in range(0, len(records), 2000):
        batch = records[start : start + 2000]
        organizations = Organization.objects.bulk_create([_instance(r) for r in batch], batch_size=500)
        _bulk_lists(organizations, batch, fields, groups)
        events = [
            Event(organization=o, action="imported", to_status=o.status, actor=actor, note=source_name)
            for o in organizations
        ]
        Event.objects.bulk_create(events, batch_size=1000)
        created += len(organizations)
    audit.record(
        event="orgs.import",
        target_model=Organization,
        target_repr=source_name,
        actor=by,
        data={"created": created, "file": source_name},
        region_code=by.region_id if by is not None and by.region_id else "",
    )
    return created


def _instance(record: dict[str, Any]) -> Organization:
    organization = Organization(region_id=record["region"])
    apply_payload(organization, record)
    organization.refresh_search_text()
    return organization


def _bulk_lists(
    organizations: list[Organization],
    records: Sequence[dict[str, Any]],
    fields: dict[str, int],
    groups: dict[str, int],
) -> None:
    field_links = Organization.activity_fields.through
    group_links = Organization.target_groups.through
    field_rows = [
        field_links(organization_id=o.pk, field_id=fields[code])
        for o, r in zip(organizations, records, strict=True)
        for code in r.get("activity_fields") or []
    ]
    group_rows = [
        group_links(organization_id=o.pk, targetgroup_id=groups[code])
        for o, r in zip(organizations, records, strict=True)
        for code in r.get("target_groups") or []
    ]
    field_links.objects.bulk_create(field_rows, batch_size=1000)
    group_links.objects.bulk_create(group_rows, batch_size=1000)
