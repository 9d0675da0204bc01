"""The registry's spreadsheets: the list export and the import template."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from io import BytesIO
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from peiyu.orgs.forms import list_choices
from peiyu.orgs.importing import CHOICES, COLUMNS, EXTRA_LABELS, REQUIRED
from peiyu.orgs.models import Field, Organization, TargetGroup

EXPORT_LIMIT = 50_000


def export_rows(organizations: Sequence[Organization]) -> tuple[list[str], list[list[Any]]]:
    """The columns of the list page, for exactly the organizations it lists."""
    headers = [
        _("Name"),
        _("Code"),
        _("Source"),
        _("Legal form"),
        _("Category"),
        _("Development type"),
        _("Fields of activity"),
        _("Region"),
        _("Region code"),
        _("Status"),
        _("Established on"),
    ]
    rows = [
        [
            o.name,
            o.code,
            o.get_source_display(),
            o.get_legal_form_display(),
            o.get_category_display(),
            o.get_development_type_display(),
            "、".join(f.name for f in o.activity_fields.all()),
            f"{o.region.parent.name if o.region.parent else ''}{o.region.name}",
            o.region_id,
            o.get_status_display(),
            o.established_on,
        ]
        for o in organizations
    ]
    return headers, rows


def template_bytes(regions: Mapping[str, str]) -> bytes:
    """The import template: the columns with required ones marked, an example row, and sheets
    listing the allowed values and the user's region codes."""
    book = Workbook()
    del book[book.sheetnames[0]]
    sheet = book.create_sheet("社会组织")
    headers = [f"{h}*" if h in REQUIRED and h in ("名称", "来源", "所在地区代码") else h for h in COLUMNS]
    sheet.append(headers)
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    for index in range(1, len(headers) + 1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = 18
    values = book.create_sheet("可选值")
    values.append(["列", "可填写的值"])
    for name, choices in CHOICES.items():
        header = next(h for h, n in COLUMNS.items() if n == name)
        labels = [str(label) for _v, label in choices.choices] + [
            k for k in EXTRA_LABELS.get(name, {}) if k not in choices.labels
        ]
        values.append([header, "、".join(dict.fromkeys(labels))])
    values.append(["活动领域", "、".join(n for _c, n in list_choices(Field)) + "（多个用顿号分隔）"])
    values.append(["服务对象", "、".join(n for _c, n in list_choices(TargetGroup)) + "（多个用顿号分隔）"])
    values.append(["日期", "2024-03-05、2024/3/5、2024年3月5日"])
    values.append(["统一社会信用代码", "登记的社会组织必填，18位，民政部门赋码（51/52/53开头）"])
    values.append(["备案编号", "备案的社区社会组织必填"])
    values.append(
        [
            "示例",
            "名称：XX社区志愿服务队；来源：备案；备案编号：320481103-2024-0001；所在地区代码：见“地区代码”表",
        ]
    )
    values.column_dimensions["A"].width = 16
    values.column_dimensions["B"].width = 100
    codes = book.create_sheet("地区代码")
    codes.append(["所在地区代码", "名称"])
    for code, name in sorted(regions.items()):
        codes.append([code, name])
    codes.column_dimensions["A"].width = 16
    codes.column_dimensions["B"].width = 30
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()
