"""Spreadsheet import: the template, the preview, all-or-nothing, errors by row and column, the
command, and junk of every kind."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.orgs import importing
from peiyu.orgs.models import Event, ImportBatch, Organization
from peiyu.orgs.tests.conftest import credit_code
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
HEADERS = [*importing.REQUIRED, "活动领域"]


def good_rows() -> list[list[Any]]:
    daibu = first_village(DAIBU).code
    tianmuhu = first_village(TIANMUHU).code
    return [
        [
            "溧阳市法律援助志愿者协会",
            credit_code("100001"),
            "",
            "登记",
            "社会团体",
            "公益慈善类",
            "专业型",
            "320481",
            "王五",
            "13900001111",
            "2019-05-01",
            "法律援助、法治宣传",
        ],
        [
            "戴埠镇百姓议事堂",
            "",
            "320481103-2018-0001",
            "备案",
            "",
            "",
            "基层基础型",
            daibu,
            "赵六",
            "13900002222",
            "2018/3/5",
            "矛盾纠纷",
        ],
        [
            "天目湖镇老年协会",
            "",
            "TMH-2020-07",
            "备案",
            "",
            "",
            "基层基础型",
            tianmuhu,
            "钱七",
            "",
            "2020年7月1日",
            "",
        ],
        [
            "溧阳市心理咨询服务中心",
            credit_code("100002", "52"),
            "",
            "登记",
            "民办非企业单位",
            "公益慈善类",
            "专业型",
            "320481",
            "孙八",
            "0519-87654321",
            "43831",
            "心理健康",
        ],
    ]


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)  # type: ignore[union-attr]
    for row in rows:
        sheet.append(row)  # type: ignore[union-attr]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[Any]], encoding: str = "utf-8-sig") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADERS)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def upload(client: Client, content: bytes, name: str = "orgs.xlsx") -> Any:
    response = client.post("/orgs/import/", {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 302
    return client.get(response["Location"])


def errors_of(response: Any) -> list[tuple[int, str]]:
    return [(e.row, e.column) for e in response.context["checked"].errors]


def test_the_template_lists_the_columns_values_and_region_codes(county_officer: User, login: Login) -> None:
    response = login(county_officer).get("/orgs/import/template/")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["社会组织", "可选值", "地区代码"]
    headers = [c.value.rstrip("*") for c in book["社会组织"][1]]
    assert headers[: len(importing.REQUIRED)] == importing.REQUIRED
    codes = [r[0] for r in book["地区代码"].iter_rows(min_row=2, values_only=True)]
    assert first_village(DAIBU).code in codes
    assert all(str(c).startswith("320481") for c in codes)


def test_a_good_file_previews_then_imports_all_rows(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    preview = upload(client, xlsx(good_rows()))
    assert preview.context["checked"].errors == []
    assert [n for n, _r in preview.context["preview"]] == [2, 3, 4, 5]
    assert Organization.objects.count() == 0  # nothing before confirmation
    batch = preview.context["batch"]
    response = client.post(f"/orgs/import/{batch.pk}/", {"action": "import"})
    assert response.status_code == 302
    assert Organization.objects.count() == 4
    center = Organization.objects.get(name="溧阳市心理咨询服务中心")
    assert center.legal_form == "service_institution"
    assert str(center.established_on) == "2020-01-01"  # the Excel serial 43831
    assert center.leader_phone == "0519-87654321"
    aid = Organization.objects.get(name="溧阳市法律援助志愿者协会")
    assert sorted(aid.activity_fields.values_list("code", flat=True)) == ["legal_aid", "legal_education"]
    assert aid.authority_id == "320481000000"
    assert Event.objects.filter(action="imported").count() == 4
    entry = AuditEntry.objects.get(event="orgs.import")
    assert entry.additional_data["created"] == 4
    batch.refresh_from_db()
    assert batch.state == ImportBatch.State.IMPORTED
    # Confirming twice imports nothing more.
    client.post(f"/orgs/import/{batch.pk}/", {"action": "import"})
    assert Organization.objects.count() == 4
    # Imported records are searchable at once.
    assert Organization.objects.search("xlzx").get() == center


def test_three_bad_rows_are_named_and_nothing_is_written(county_officer: User, login: Login) -> None:
    rows = good_rows()
    rows[0][1] = rows[0][1][:-1] + ("0" if rows[0][1][-1] != "0" else "1")  # a wrong check character
    rows[1][3] = "登记中"  # not a source
    rows[2][7] = "320413001001"  # 金坛区: outside the officer's county
    client = login(county_officer)
    preview = upload(client, xlsx(rows))
    assert errors_of(preview) == [(2, "统一社会信用代码"), (3, "来源"), (4, "所在地区代码")]
    html = preview.content.decode()
    assert 'data-testid="import-errors"' in html
    batch = preview.context["batch"]
    client.post(f"/orgs/import/{batch.pk}/", {"action": "import"})
    assert Organization.objects.count() == 0
    # Fixed and uploaded again, it goes in.
    fixed = upload(client, xlsx(good_rows()))
    client.post(f"/orgs/import/{fixed.context['batch'].pk}/", {"action": "import"})
    assert Organization.objects.count() == 4


def test_errors_are_written_in_chinese(county_officer: User, login: Login) -> None:
    rows = good_rows()
    rows[0][1] = "51320481MJ1000010X"
    preview = upload(login(county_officer), xlsx(rows[:1]))
    message = preview.context["checked"].errors[0].message
    assert "第" in message or "位" in message  # the position, in Chinese


def test_a_csv_in_gbk_imports_like_a_workbook(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    preview = upload(client, csv_bytes(good_rows(), "gb18030"), "orgs.csv")
    assert preview.context["checked"].errors == []
    assert len(preview.context["checked"].records) == 4


def test_duplicates_within_the_file_and_against_the_registry(county_officer: User, login: Login) -> None:
    rows = good_rows()
    client = login(county_officer)
    first = upload(client, xlsx(rows[:1]))
    client.post(f"/orgs/import/{first.context['batch'].pk}/", {"action": "import"})
    again = upload(client, xlsx([*rows, rows[1]]))
    assert errors_of(again) == [(2, "名称"), (2, "统一社会信用代码"), (6, "备案编号")]
    assert Organization.objects.count() == 1


def test_formulas_and_text_dates(county_officer: User, login: Login) -> None:
    rows = good_rows()
    rows[0][0] = '=HYPERLINK("http://evil")'
    rows[1][10] = "去年春天"
    rows[2][10] = "2024-02-30"
    preview = upload(login(county_officer), csv_bytes(rows), "orgs.csv")
    assert errors_of(preview) == [(2, "名称"), (3, "成立日期"), (4, "成立日期")]


def test_wrong_headers_are_one_clear_error(county_officer: User, login: Login) -> None:
    preview = upload(login(county_officer), xlsx(good_rows(), ["单位", "代码", *HEADERS[2:]]))
    errors = preview.context["checked"].errors
    assert len(errors) == 1
    assert errors[0].row == 0
    assert "名称" in errors[0].message and "统一社会信用代码" in errors[0].message


@pytest.mark.parametrize(
    "content",
    [
        b"\x00" * 1000,
        b"PK\x03\x04 not really a zip",
        b"<html>not a sheet</html>",
        b"\xd0\xcf\x11\xe0" + b"\x00" * 600,
    ],
)
def test_junk_is_refused_plainly(county_officer: User, login: Login, content: bytes) -> None:
    preview = upload(login(county_officer), content, "junk.xlsx")
    assert preview.status_code == 200
    errors = preview.context["checked"].errors
    assert len(errors) == 1 and errors[0].row == 0
    assert Organization.objects.count() == 0


def test_an_empty_file_is_refused_at_upload(county_officer: User, login: Login) -> None:
    response = login(county_officer).post("/orgs/import/", {"file": SimpleUploadedFile("a.xlsx", b"")})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert ImportBatch.objects.count() == 0


def test_ten_megabytes_of_junk(county_officer: User, login: Login) -> None:
    preview = upload(login(county_officer), b"junk," * (2 * 1024 * 1024 + 10), "junk.csv")
    assert "10" in preview.context["checked"].errors[0].message
    assert Organization.objects.count() == 0


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(content=st.binary(max_size=4000), name=st.sampled_from(["a.xlsx", "a.xls", "a.csv", "a.txt"]))
def test_random_bytes_end_in_a_clear_error(regions: None, content: bytes, name: str) -> None:
    checked = importing.read_and_check(content, name, importing.regions_for(None))
    assert not checked.ok
    assert all(str(e) for e in checked.errors)
    assert Organization.objects.count() == 0


def test_the_command_checks_writes_and_refuses(county_officer: User, tmp_path: Path) -> None:
    good = tmp_path / "good.xlsx"
    good.write_bytes(xlsx(good_rows()))
    call_command("import_organizations", str(good), "--dry-run", "--as", "county")
    assert Organization.objects.count() == 0
    bad_rows = good_rows()
    bad_rows[3][4] = "公司"
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(bad_rows))
    errors = io.StringIO()
    with pytest.raises(CommandError, match="1"):
        call_command("import_organizations", str(bad), "--as", "county", stderr=errors)
    assert "5" in errors.getvalue() and "法人类型" in errors.getvalue()
    assert Organization.objects.count() == 0
    out = io.StringIO()
    call_command("import_organizations", str(good), "--as", "county", stdout=out)
    assert Organization.objects.count() == 4
    assert AuditEntry.objects.get(event="orgs.import").actor == county_officer


def test_the_command_exits_non_zero(tmp_path: Path, regions: None) -> None:
    import subprocess
    import sys

    from django.conf import settings as django_settings

    missing = subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "manage.py", "import_organizations", str(tmp_path / "none.xlsx")],
        capture_output=True,
        cwd=django_settings.BASE_DIR,
        check=False,
    )
    assert missing.returncode != 0


def test_a_town_officer_imports_only_into_the_town(daibu_officer: User, login: Login) -> None:
    preview = upload(login(daibu_officer), xlsx(good_rows()))
    assert (2, "所在地区代码") in errors_of(preview)  # the county itself is outside 戴埠镇
    assert (4, "所在地区代码") in errors_of(preview)  # so is 天目湖镇
    assert (3, "所在地区代码") not in errors_of(preview)


def test_another_users_upload_is_out_of_reach(
    county_officer: User, administrator: User, login: Login
) -> None:
    preview = upload(login(county_officer), xlsx(good_rows()))
    batch = preview.context["batch"]
    assert login(administrator).get(f"/orgs/import/{batch.pk}/").status_code == 403  # no permission
    from peiyu.testing import make_user

    other = make_user("county2", "county_officer", "320481")
    assert login(other).get(f"/orgs/import/{batch.pk}/").status_code == 404
    assert login(other).post(f"/orgs/import/{batch.pk}/", {"action": "import"}).status_code == 404
    assert Organization.objects.count() == 0
