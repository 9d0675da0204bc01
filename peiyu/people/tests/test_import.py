"""Importing volunteers and hours: all or nothing, row-numbered errors, the same checks as the
screen; the upload preview and the management command."""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.orgs.models import Organization
from peiyu.people import importing
from peiyu.people.models import HoursStatus, RegisteredVia, ServiceRecord, Volunteer
from peiyu.people.tests.conftest import id_number
from peiyu.testing import DAIBU, first_village

Login = Callable[[User], Client]


def xlsx(headers: list[str], rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def volunteer_rows(count: int) -> list[list[object]]:
    village = first_village(DAIBU).code
    return [
        [f"导入{i}", id_number(), f"1381234{i:04d}", village, "", "助老服务", "周末", ""]
        for i in range(count)
    ]


def test_volunteers_import_all_rows(county_officer: User, regions: None) -> None:
    data = xlsx(list(importing.VOLUNTEER_COLUMNS), volunteer_rows(5))
    checked = importing.check("volunteers", data, "v.xlsx", county_officer)
    assert checked.ok, checked.errors
    assert importing.confirm("volunteers", checked.records, by=county_officer, source_name="v.xlsx") == 5
    assert Volunteer.objects.filter(registered_via=RegisteredVia.IMPORT).count() == 5
    assert Volunteer.objects.filter(skills__code="elderly_care").count() == 5


def test_one_bad_row_names_its_row_and_column_and_nothing_is_written(
    county_officer: User, regions: None
) -> None:
    rows = volunteer_rows(4)
    rows[2][1] = "110105194912310021"  # wrong check character
    rows[3][1] = rows[0][1]  # the same person twice
    rows[1][2] = "123"
    checked = importing.check(
        "volunteers", xlsx(list(importing.VOLUNTEER_COLUMNS), rows), "v.xlsx", county_officer
    )
    found = {(e.row, e.column) for e in checked.errors}
    assert {(3, "手机号码"), (4, "证件号码"), (5, "证件号码")} <= found
    assert not checked.ok and Volunteer.objects.count() == 0


def test_a_region_outside_the_importers_scope_is_an_error(tianmuhu_officer: User, regions: None) -> None:
    checked = importing.check(
        "volunteers", xlsx(list(importing.VOLUNTEER_COLUMNS), volunteer_rows(1)), "v.xlsx", tianmuhu_officer
    )
    assert [(e.row, e.column) for e in checked.errors] == [(2, "所在地区代码")]


def test_hours_import_checks_overlaps_within_the_file_and_against_records(
    make_volunteer: Callable[..., Volunteer], organization: Organization, organization_account: User
) -> None:
    person = make_volunteer("导入时长")
    day = (timezone.localdate() - datetime.timedelta(days=5)).isoformat()
    rows = [
        [person.number, organization.filing_number, "敬老", f"{day} 08:00", f"{day} 10:00", "", ""],
        [person.number, organization.filing_number, "敬老", f"{day} 09:30", f"{day} 11:00", "", ""],
        [person.number, "no-such-code", "敬老", f"{day} 14:00", f"{day} 15:00", "", ""],
        [person.number, organization.filing_number, "敬老", "明天", f"{day} 15:00", "", ""],
    ]
    checked = importing.check(
        "hours", xlsx(list(importing.HOURS_COLUMNS), rows), "h.xlsx", organization_account
    )
    assert {(e.row, e.column) for e in checked.errors} == {
        (3, "开始时间"),
        (4, "组织者代码"),
        (5, "开始时间"),
    }
    good = importing.check(
        "hours", xlsx(list(importing.HOURS_COLUMNS), rows[:1]), "h.xlsx", organization_account
    )
    assert good.ok
    importing.confirm("hours", good.records, by=organization_account, source_name="h.xlsx")
    assert ServiceRecord.objects.get().status == HoursStatus.APPROVED
    again = importing.check(
        "hours", xlsx(list(importing.HOURS_COLUMNS), rows[:1]), "h.xlsx", organization_account
    )
    assert [(e.row, e.column) for e in again.errors] == [(2, "开始时间")]


def test_parse_datetime_reads_what_offices_type() -> None:
    expected = datetime.datetime(2026, 3, 5, 8, 30, tzinfo=timezone.get_current_timezone())
    for text in (
        "2026-03-05 08:30",
        "2026/3/5 8:30",
        "2026年3月5日 8:30",
        "2026-03-05T08:30:00",
        "46086.354166667",
    ):
        assert importing.parse_datetime(text) == expected, text
    for text in ("明天", "2026-02-30 08:00", "8:30"):
        with pytest.raises(ValueError):
            importing.parse_datetime(text)


def test_the_upload_preview_then_confirm(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    upload = SimpleUploadedFile("志愿者.xlsx", xlsx(list(importing.VOLUNTEER_COLUMNS), volunteer_rows(3)))
    response = client.post("/people/volunteers/import/", {"kind": "volunteers", "file": upload})
    assert response.status_code == 302
    preview = client.get(response["Location"])
    assert 'data-testid="import-ok"' in preview.content.decode()
    assert Volunteer.objects.count() == 0
    client.post(response["Location"], {"action": "import"})
    assert Volunteer.objects.count() == 3
    # Confirming twice imports nothing more.
    client.post(response["Location"], {"action": "import"})
    assert Volunteer.objects.count() == 3
    template = client.get("/people/volunteers/import/hours/template/")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")


def test_import_pages_are_denied_without_the_permission(
    village_worker: User, organization_account: User, login: Login
) -> None:
    for user in (village_worker, organization_account):
        assert login(user).get("/people/volunteers/import/").status_code == 403


def test_the_command_checks_and_imports(county_officer: User, tmp_path: Path) -> None:
    path = tmp_path / "v.xlsx"
    path.write_bytes(xlsx(list(importing.VOLUNTEER_COLUMNS), volunteer_rows(2)))
    call_command("import_volunteers", str(path), "--dry-run", "--as", county_officer.username)
    assert Volunteer.objects.count() == 0
    call_command("import_volunteers", str(path), "--as", county_officer.username)
    assert Volunteer.objects.count() == 2
    with pytest.raises(CommandError):
        call_command("import_volunteers", str(path), "--as", county_officer.username)  # already registered
    assert Volunteer.objects.count() == 2
