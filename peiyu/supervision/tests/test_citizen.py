"""Citizen reports (随手拍): the portal's report and status lookup, the photos' checks and
re-encoding, and the back-office's list, detail, photos and triage."""

from __future__ import annotations

import datetime
import struct
import zlib
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import ExifTags, Image, ImageFile
from PIL.PngImagePlugin import PngInfo

from peiyu.accounts.models import User
from peiyu.orgs.models import Organization
from peiyu.people.tests.conftest import make_organization
from peiyu.supervision.models import (
    CitizenReport,
    Photo,
    ReportState,
    Sanction,
    SupervisionEvent,
    Visit,
    VisitStatus,
)
from peiyu.supervision.services.citizen import submit_citizen_report
from peiyu.testing import DAIBU, TIANMUHU, first_village

Login = Callable[[User], Client]
PHONE = "13812345678"
MASKED = "138****5678"
MB = 1024 * 1024


# Files ------------------------------------------------------------------------------------


def jpeg_with_gps() -> bytes:
    """A camera-like JPEG: GPS position, maker, and an orientation that turns it upright."""
    image = Image.new("RGB", (64, 48), (200, 30, 30))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6  # rotate 90°: stored 64x48, shown 48x64
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (31.0, 25.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (119.0, 29.0, 0.0)
    output = BytesIO()
    image.save(output, format="JPEG", exif=exif)
    data = output.getvalue()
    assert Image.open(BytesIO(data)).getexif().get_ifd(ExifTags.IFD.GPSInfo), "the fixture has GPS"
    return data


def transparent_png() -> bytes:
    image = Image.new("RGBA", (40, 30), (0, 0, 255, 0))
    image.paste((0, 0, 255, 255), (10, 10, 20, 20))
    info = PngInfo()
    info.add_text("Comment", "taken at home")
    output = BytesIO()
    image.save(output, format="PNG", pnginfo=info)
    return output.getvalue()


def png_bomb(side: int = 30_000) -> bytes:
    """A real decompression bomb: a one-bit PNG of side x side pixels, all white, about a
    hundred kilobytes compressed and over 100 MB once decoded."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))

    compressor = zlib.compressobj(9)
    row = b"\0" + b"\xff" * ((side + 7) // 8)
    data = b"".join(compressor.compress(row) for _ in range(side)) + compressor.flush()
    header = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", data) + chunk(b"IEND", b"")


def upload(name: str, content: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def form_data(**extra: Any) -> dict[str, Any]:
    return {
        "region": first_village(DAIBU).code,
        "organization_name": "戴埠镇志愿者协会",
        "text": "协会在菜市场门口向居民募捐，没有出示任何手续。",
        "contact": PHONE,
        "consent": "on",
        **extra,
    }


def stored(data: bytes) -> Image.Image:
    image = Image.open(BytesIO(data))
    image.load()
    return image


# Fixtures ---------------------------------------------------------------------------------


@pytest.fixture
def daibu_org(regions: None) -> Organization:
    return make_organization("戴埠镇志愿者协会", DAIBU)


@pytest.fixture
def tianmuhu_org(regions: None) -> Organization:
    return make_organization("天目湖镇广场舞队", TIANMUHU)


def make_report(town: str = DAIBU, contact: str = PHONE, **extra: Any) -> CitizenReport:
    return submit_citizen_report(
        region=first_village(town), text="有人冒用协会名义收费。", contact=contact, **extra
    )


@pytest.fixture
def daibu_report(regions: None) -> CitizenReport:
    return make_report(organization_name="戴埠镇志愿者协会")


# The portal: reporting ------------------------------------------------------------------


def test_a_report_with_a_camera_photo_keeps_the_pixels_and_drops_gps_and_all_metadata(
    client: Client, regions: None
) -> None:
    response = client.post("/report/", form_data(photos=[upload("IMG_0001.JPG", jpeg_with_gps())]))
    report = CitizenReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/report/status/?reference={report.reference}"
    assert report.reference.startswith("SP")
    assert report.state == ReportState.NEW
    assert report.region_id == first_village(DAIBU).code
    assert report.contact == PHONE
    photo = report.photos.get()
    image = stored(bytes(photo.content))
    assert photo.content_type == "image/jpeg"
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info
    assert "icc_profile" not in image.info
    assert b"PhoneMaker" not in bytes(photo.content)
    # The orientation was applied before it was dropped: the photo stays upright.
    assert (photo.width, photo.height) == image.size == (48, 64)
    assert SupervisionEvent.objects.filter(subject="citizenreport", subject_id=report.pk).count() == 1


def test_a_png_named_jpg_is_accepted_by_its_content_and_flattened(client: Client, regions: None) -> None:
    response = client.post("/report/", form_data(photos=[upload("photo.jpg", transparent_png())]))
    assert response.status_code == 302
    photo = Photo.objects.get()
    image = stored(bytes(photo.content))
    assert image.format == "JPEG"
    assert image.mode == "RGB"
    assert "Comment" not in image.info
    # The transparent corner became white, not the blue hidden under it.
    assert image.getpixel((0, 0)) == pytest.approx((255, 255, 255), abs=16)


def test_a_text_file_named_jpg_is_refused(client: Client, regions: None) -> None:
    fake = upload("photo.jpg", b"<script>alert(1)</script>\n" * 20)
    response = client.post("/report/", form_data(photos=[fake]))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not CitizenReport.objects.exists()


def test_an_oversize_photo_is_refused(client: Client, regions: None) -> None:
    big = upload("big.jpg", jpeg_with_gps() + b"\0" * (5 * MB))
    response = client.post("/report/", form_data(photos=[big]))
    assert response.status_code == 200
    assert "5 MB" in response.context["form"].errors["photos"][0]
    assert not CitizenReport.objects.exists()


# 30000² is beyond Pillow's own bomb limit; 8000² (64 megapixels) is under it but over ours.
@pytest.mark.parametrize("side", [30_000, 8_000])
def test_a_decompression_bomb_is_refused_without_being_decoded(
    client: Client, regions: None, monkeypatch: pytest.MonkeyPatch, side: int
) -> None:
    bomb = png_bomb(side)
    assert len(bomb) < MB

    def never(self: ImageFile.ImageFile) -> None:
        raise AssertionError("the bomb was decoded")

    monkeypatch.setattr(ImageFile.ImageFile, "load", never)
    response = client.post("/report/", form_data(photos=[upload("bomb.png", bomb, "image/png")]))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not CitizenReport.objects.exists()


def test_more_than_three_photos_are_refused(client: Client, regions: None) -> None:
    photos = [upload(f"{n}.jpg", jpeg_with_gps()) for n in range(4)]
    response = client.post("/report/", form_data(photos=photos))
    assert response.status_code == 200
    assert response.context["form"].errors["photos"]
    assert not CitizenReport.objects.exists()


def test_a_report_needs_consent_and_a_place_and_accepts_no_photo(client: Client, regions: None) -> None:
    form = client.get("/report/").context["form"]
    assert first_village(DAIBU).code in form.fields["region"].regions
    refused = client.post("/report/", form_data(consent="", region="999999999999"))
    assert set(refused.context["form"].errors) == {"consent", "region"}
    assert client.post("/report/", form_data(contact="")).status_code == 302
    assert CitizenReport.objects.get().contact == ""


def test_the_home_page_offers_the_report(client: Client, regions: None) -> None:
    assert 'href="/report/"' in client.get("/").content.decode()


# The portal: following a report -----------------------------------------------------------


def test_the_reporter_follows_state_and_reply_and_sees_nothing_else(
    client: Client, daibu_report: CitizenReport, daibu_officer: User, login: Login
) -> None:
    page = client.get(f"/report/status/?reference={daibu_report.reference.lower()}")
    assert page.context["report"] == daibu_report
    html = page.content.decode()
    for secret in (daibu_report.text, PHONE, MASKED, daibu_report.organization_name):
        assert secret not in html
    login(daibu_officer).post(
        f"/supervision/citizen-reports/{daibu_report.pk}/",
        {"action": "dismiss", "dismiss-version": 1, "dismiss-reply": "经核实，该活动已备案。"},
    )
    html = client.get(f"/report/status/?reference={daibu_report.reference}").content.decode()
    assert "经核实，该活动已备案。" in html
    assert 'data-testid="state"' in html


def test_an_unknown_reference_shows_nothing(client: Client, daibu_report: CitizenReport) -> None:
    page = client.get("/report/status/?reference=SP0000000000")
    assert page.context["report"] is None
    assert 'data-testid="not-found"' in page.content.decode()
    assert client.get("/report/status/").context["report"] is None


# The back-office: list, detail, photos ----------------------------------------------------


def test_the_list_filters_by_state_and_town_and_masks_the_phone(
    county_officer: User, daibu_report: CitizenReport, login: Login
) -> None:
    tianmuhu_report = make_report(TIANMUHU)
    client = login(county_officer)
    page = client.get("/supervision/citizen-reports/")
    assert {r.pk for r in page.context["page"]} == {daibu_report.pk, tianmuhu_report.pk}
    html = page.content.decode()
    assert PHONE not in html
    assert MASKED in html
    by_town = client.get(f"/supervision/citizen-reports/?town={DAIBU.ljust(12, '0')}")
    assert [r.pk for r in by_town.context["page"]] == [daibu_report.pk]
    assert not client.get("/supervision/citizen-reports/?state=dismissed").context["page"].object_list


def test_a_town_officer_lists_only_the_town(
    tianmuhu_officer: User, daibu_report: CitizenReport, login: Login
) -> None:
    tianmuhu_report = make_report(TIANMUHU)
    page = login(tianmuhu_officer).get("/supervision/citizen-reports/")
    assert [r.pk for r in page.context["page"]] == [tianmuhu_report.pk]


def test_the_list_costs_the_same_queries_for_more_rows(county_officer: User, login: Login) -> None:
    client = login(county_officer)
    make_report()
    with CaptureQueriesContext(connection) as few:
        client.get("/supervision/citizen-reports/")
    for town in (DAIBU, TIANMUHU, DAIBU, TIANMUHU):
        make_report(town)
    with CaptureQueriesContext(connection) as more:
        response = client.get("/supervision/citizen-reports/")
    assert len(response.context["page"]) == 5
    assert len(more) == len(few)


def test_the_detail_shows_the_photos_with_the_phone_masked(
    client: Client, regions: None, daibu_officer: User, login: Login
) -> None:
    client.post("/report/", form_data(photos=[upload("a.jpg", jpeg_with_gps())]))
    report = CitizenReport.objects.get()
    photo = report.photos.get()
    officer = login(daibu_officer)
    html = officer.get(f"/supervision/citizen-reports/{report.pk}/").content.decode()
    assert PHONE not in html
    assert MASKED in html
    assert f"/supervision/citizen-reports/photos/{photo.pk}/" in html
    served = officer.get(f"/supervision/citizen-reports/photos/{photo.pk}/")
    assert served.status_code == 200
    assert served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff"
    assert served.content == bytes(photo.content)


# The back-office: triage ------------------------------------------------------------------


def triage(client: Client, report: CitizenReport, action: str, **fields: Any) -> Any:
    data = {"action": action, f"{action}-version": report.version}
    data.update({f"{action}-{key}": value for key, value in fields.items()})
    return client.post(f"/supervision/citizen-reports/{report.pk}/", data, follow=True)


def test_dismissing_needs_a_reply_and_a_second_triage_is_refused(
    daibu_officer: User, daibu_report: CitizenReport, daibu_org: Organization, login: Login
) -> None:
    client = login(daibu_officer)
    refused = triage(client, daibu_report, "dismiss", reply="")
    assert refused.context["forms"]["dismiss"].errors["reply"]
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.NEW

    triage(client, daibu_report, "dismiss", reply="不属于社会组织。")
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.DISMISSED
    assert daibu_report.handled_by == daibu_officer
    assert daibu_report.handled_at is not None
    assert daibu_report.reply == "不属于社会组织。"
    step = SupervisionEvent.objects.get(
        subject="citizenreport", subject_id=daibu_report.pk, action="dismissed"
    )
    assert (step.from_status, step.to_status, step.actor) == ("new", "dismissed", daibu_officer)

    again = triage(client, daibu_report, "warn", organization=daibu_org.pk, reminder="r", reply="r")
    assert [m.level_tag for m in again.context["messages"]] == ["error"]
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.DISMISSED
    assert daibu_report.organization is None
    assert not SupervisionEvent.objects.filter(action="warned").exists()


def test_a_stale_form_does_not_overwrite_another_officers_triage(
    daibu_officer: User, county_officer: User, daibu_report: CitizenReport, login: Login
) -> None:
    stale = CitizenReport.objects.get(pk=daibu_report.pk)
    triage(login(county_officer), daibu_report, "dismiss", reply="已处理。")
    response = triage(login(daibu_officer), stale, "dismiss", reply="重复。")
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    daibu_report.refresh_from_db()
    assert daibu_report.reply == "已处理。"


def test_warning_records_a_reminder_on_the_organization_and_no_sanction(
    daibu_officer: User, daibu_report: CitizenReport, daibu_org: Organization, login: Login
) -> None:
    client = login(daibu_officer)
    page = client.get(f"/supervision/citizen-reports/{daibu_report.pk}/")
    assert page.context["forms"]["warn"].initial["organization"] == daibu_org  # matched by name
    triage(
        client,
        daibu_report,
        "warn",
        organization=daibu_org.pk,
        reminder="募捐须依法取得资格，请立即停止。",
        reply="已书面提醒该组织。",
    )
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.WARNED
    assert daibu_report.organization == daibu_org
    assert daibu_report.reply == "已书面提醒该组织。"
    step = daibu_org.supervision_events.get(action="warned")
    assert step.note == "募捐须依法取得资格，请立即停止。"
    assert step.actor == daibu_officer
    assert not Sanction.objects.exists()


def test_warning_an_organization_out_of_scope_is_refused(
    daibu_officer: User, daibu_report: CitizenReport, tianmuhu_org: Organization, login: Login
) -> None:
    response = triage(
        login(daibu_officer), daibu_report, "warn", organization=tianmuhu_org.pk, reminder="r", reply="r"
    )
    assert response.context["forms"]["warn"].errors["organization"]
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.NEW


def test_opening_an_inspection_plans_a_visit_from_the_report(
    daibu_officer: User, daibu_report: CitizenReport, daibu_org: Organization, login: Login
) -> None:
    client = login(daibu_officer)
    day = timezone.localdate() + datetime.timedelta(days=7)
    past = triage(client, daibu_report, "inspect", organization=daibu_org.pk, planned_on="2020-01-01")
    assert past.context["forms"]["inspect"].errors["planned_on"]
    triage(client, daibu_report, "inspect", organization=daibu_org.pk, planned_on=day.isoformat())
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.INSPECTION
    assert daibu_report.organization == daibu_org
    visit = Visit.objects.get()
    assert (visit.organization, visit.source_report, visit.planned_on) == (daibu_org, daibu_report, day)
    assert visit.status == VisitStatus.PLANNED
    html = client.get(f"/supervision/citizen-reports/{daibu_report.pk}/").content.decode()
    assert 'data-testid="triage"' not in html
    assert 'data-testid="visits"' in html


def test_the_waiting_reports_are_a_todo_of_the_town(
    daibu_officer: User, tianmuhu_officer: User, daibu_report: CitizenReport, village_worker: User
) -> None:
    from peiyu.core.todos import todos_for

    waiting = [t for t in todos_for(daibu_officer) if t.url.startswith("/supervision/citizen-reports/")]
    assert [t.count for t in waiting] == [1]
    assert not [t for t in todos_for(tianmuhu_officer) if "citizen-reports" in t.url]
    assert not [t for t in todos_for(village_worker) if "citizen-reports" in t.url]


# Denials ----------------------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, daibu_report: CitizenReport) -> None:
    Photo.objects.create(report=daibu_report, content=b"x", content_type="image/jpeg", width=1, height=1)
    photo = daibu_report.photos.get()
    for url in (
        "/supervision/citizen-reports/",
        f"/supervision/citizen-reports/{daibu_report.pk}/",
        f"/supervision/citizen-reports/photos/{photo.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    client.post(f"/supervision/citizen-reports/{daibu_report.pk}/", {"action": "dismiss"})
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.NEW


def test_accounts_without_the_permission_are_refused(
    village_worker: User, organization_account: User, daibu_report: CitizenReport, login: Login
) -> None:
    for user in (village_worker, organization_account):
        client = login(user)
        assert client.get("/supervision/citizen-reports/").status_code == 403
        assert client.get(f"/supervision/citizen-reports/{daibu_report.pk}/").status_code == 403
        response = client.post(
            f"/supervision/citizen-reports/{daibu_report.pk}/",
            {"action": "dismiss", "dismiss-version": 1, "dismiss-reply": "x"},
        )
        assert response.status_code == 403
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.NEW


def test_another_towns_officer_gets_404_for_the_report_and_its_photos(
    tianmuhu_officer: User, daibu_report: CitizenReport, login: Login
) -> None:
    Photo.objects.create(report=daibu_report, content=b"x", content_type="image/jpeg", width=1, height=1)
    photo = daibu_report.photos.get()
    client = login(tianmuhu_officer)
    assert client.get(f"/supervision/citizen-reports/{daibu_report.pk}/").status_code == 404
    assert client.get(f"/supervision/citizen-reports/photos/{photo.pk}/").status_code == 404
    response = client.post(
        f"/supervision/citizen-reports/{daibu_report.pk}/",
        {"action": "dismiss", "dismiss-version": 1, "dismiss-reply": "x"},
    )
    assert response.status_code == 404
    daibu_report.refresh_from_db()
    assert daibu_report.state == ReportState.NEW


def test_the_services_check_the_capability_again(
    village_worker: User, tianmuhu_officer: User, daibu_report: CitizenReport
) -> None:
    from peiyu.core.exceptions import PermissionRefused
    from peiyu.supervision.services.citizen import dismiss_citizen_report

    for user in (village_worker, tianmuhu_officer):
        with pytest.raises(PermissionRefused):
            dismiss_citizen_report(daibu_report, reply="x", by=user)
