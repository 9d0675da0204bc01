"""Activity records through their pages: the list with its scope, search, filters, totals,
empty state and export; recording an activity; photos stripped of their metadata; attendance
raising pending hours; the rating QR code and card; and who may see and do what."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from io import BytesIO
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from PIL import ExifTags, Image

from peiyu.accounts.models import User
from peiyu.activities.models import Activity, ActivityEvent, ActivityPhoto, Attendance, Rating
from peiyu.activities.services import activities
from peiyu.activities.tests.test_activities import held
from peiyu.orgs.models import Organization, TargetGroup
from peiyu.people.models import HoursSource, HoursStatus, ServiceRecord, Volunteer
from peiyu.people.services.volunteers import enroll
from peiyu.people.tests.conftest import make_organization
from peiyu.testing import DAIBU, TIANMUHU, first_village

pytestmark = pytest.mark.django_db
Login = Callable[[User], Client]
TODAY = timezone.localdate()
YESTERDAY = TODAY - datetime.timedelta(days=1)
PHONE = "13612345678"


def _url(name: str, *args: Any) -> str:
    return reverse(f"activities:{name}", args=args)


def village_activity(by: User, town: str = DAIBU, **values: Any) -> Activity:
    """An activity a village (or town) held itself, without an organization."""
    fields: dict[str, Any] = {
        "kind": "consultation",
        "title": "村民法律咨询日",
        "held_on": YESTERDAY,
        "place": "村委会便民服务大厅",
        "beneficiaries": 35,
    } | values
    return activities.record_activity(region=first_village(town), by=by, **fields)


def jpeg_with_gps() -> bytes:
    """A small camera-like JPEG carrying its maker and GPS position."""
    image = Image.new("RGB", (64, 48), (30, 120, 200))
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
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


@pytest.fixture
def activity(organization: Organization, organization_account: User) -> Activity:
    """戴埠镇志愿者协会's legal-education talk of yesterday, two hours long."""
    return held(organization, organization_account)


@pytest.fixture
def enrolled(organization: Organization, make_volunteer: Callable[..., Volunteer]) -> list[Volunteer]:
    people = [make_volunteer("陈小红"), make_volunteer("刘大伟")]
    for person in people:
        enroll(person, organization=organization, by=None)
    return people


# The list ----------------------------------------------------------------------------------


def test_the_list_shows_the_region_with_totals_search_and_filters(
    activity: Activity, village_worker: User, daibu_officer: User, tianmuhu_officer: User, login: Login
) -> None:
    own = village_activity(village_worker)
    other_town = village_activity(tianmuhu_officer, TIANMUHU, title="天目湖普法讲座")
    client = login(daibu_officer)
    page = client.get(_url("activity-list"))
    assert page.status_code == 200
    listed = {a.pk for a in page.context["page"]}
    assert listed == {activity.pk, own.pk} and other_town.pk not in listed
    assert page.context["figures"]["activities"] == 2 and page.context["figures"]["served"] == 120 + 35
    assert 'data-total="served">155<' in page.text and 'data-testid="create"' in page.text
    searched = client.get(_url("activity-list"), {"q": "便民服务"})
    assert [a.pk for a in searched.context["page"]] == [own.pk]
    by_organization = client.get(_url("activity-list"), {"q": "志愿者协会"})
    assert [a.pk for a in by_organization.context["page"]] == [activity.pk]
    assert [a.pk for a in client.get(_url("activity-list"), {"kind": "consultation"}).context["page"]] == [
        own.pk
    ]
    village_held = client.get(_url("activity-list"), {"organization": "0"})
    assert [a.pk for a in village_held.context["page"]] == [own.pk]
    of_org = client.get(_url("activity-list"), {"organization": str(activity.organization_id)})
    assert [a.pk for a in of_org.context["page"]] == [activity.pk]
    this_year = client.get(_url("activity-list"), {"year": YESTERDAY.year, "month": YESTERDAY.month})
    assert this_year.context["figures"]["activities"] == 2
    other_month = (YESTERDAY.month % 12) + 1
    empty = client.get(_url("activity-list"), {"year": YESTERDAY.year, "month": other_month})
    assert 'data-testid="empty"' in empty.text and empty.context["figures"]["served"] == 0
    town = client.get(_url("activity-list"), {"town": DAIBU.ljust(12, "0")})
    assert town.context["figures"]["activities"] == 2


def test_bad_filter_values_filter_nothing(activity: Activity, daibu_officer: User, login: Login) -> None:
    page = login(daibu_officer).get(
        _url("activity-list"), {"year": "abc", "month": "13", "organization": "x", "page": "99"}
    )
    assert page.status_code == 200 and [a.pk for a in page.context["page"]] == [activity.pk]


def test_an_empty_list_says_how_to_start(daibu_officer: User, login: Login) -> None:
    page = login(daibu_officer).get(_url("activity-list"))
    assert page.status_code == 200 and 'data-testid="empty"' in page.text
    assert _url("activity-create") in page.text


def test_the_list_costs_the_same_queries_for_more_rows(
    organization: Organization, organization_account: User, daibu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(_url("activity-list")).status_code == 200
        return len(queries)

    held(organization, organization_account)
    few = count()
    for hours in range(40, 200, 30):
        held(organization, organization_account, hours_ago=hours)
    assert count() == few


def test_the_export_lists_the_filtered_activities_with_volunteers_and_ratings(
    activity: Activity,
    enrolled: list[Volunteer],
    organization_account: User,
    village_worker: User,
    daibu_officer: User,
    login: Login,
) -> None:
    activity.target_groups.set(TargetGroup.objects.all()[:2])
    activities.record_attendance(activity, volunteers=enrolled, by=organization_account)
    Rating.objects.create(activity=activity, rating=4)
    Rating.objects.create(activity=activity, rating=5)
    village_activity(village_worker)
    response = login(daibu_officer).get(
        _url("activity-export"), {"organization": str(activity.organization_id)}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 2  # the header and the one activity of the organization
    row = rows[1]
    assert "民法典进村入户宣讲" in row and "戴埠镇志愿者协会" in row and 120 in row
    assert row[13:16] == (2, 2, 4.5)  # volunteers, ratings, average
    assert "、" in row[11]  # both groups served


# Recording ---------------------------------------------------------------------------------


def _form(**extra: Any) -> dict[str, Any]:
    return {
        "region": first_village(DAIBU).code,
        "kind": "legal_education",
        "title": "防范电信诈骗宣讲",
        "held_on": YESTERDAY.isoformat(),
        "starts": "09:00",
        "ends": "11:30",
        "place": "村文化礼堂",
        "beneficiaries": "80",
        "description": "讲解常见诈骗手法。",
        **extra,
    }


def test_a_village_worker_records_an_activity_through_the_page(
    organization: Organization, village_worker: User, login: Login
) -> None:
    client = login(village_worker)
    page = client.get(_url("activity-create"))
    assert page.status_code == 200 and organization.name in page.text
    group = TargetGroup.objects.first()
    assert group is not None
    sent = client.post(_url("activity-create"), _form(organization=organization.pk, target_groups=[group.pk]))
    activity = Activity.objects.get()
    assert sent.status_code == 302 and sent["Location"] == _url("activity-detail", activity.pk)
    assert (activity.organization, activity.recorded_by, activity.beneficiaries) == (
        organization,
        village_worker,
        80,
    )
    assert timezone.localtime(activity.starts_at).strftime("%Y-%m-%d %H:%M") == f"{YESTERDAY} 09:00"  # type: ignore[arg-type]
    assert activity.ends_at - activity.starts_at == datetime.timedelta(hours=2, minutes=30)  # type: ignore[operator]
    assert list(activity.target_groups.all()) == [group]
    assert ActivityEvent.objects.filter(
        subject="activity", subject_id=activity.pk, action="recorded"
    ).exists()
    detail = client.get(sent["Location"])
    assert "防范电信诈骗宣讲" in detail.text and 'data-testid="history"' in detail.text


def test_a_bad_activity_is_sent_back_with_its_errors(village_worker: User, login: Login) -> None:
    client = login(village_worker)
    backwards = client.post(_url("activity-create"), _form(starts="11:00", ends="10:00"))
    assert backwards.status_code == 200 and backwards.context["form"].errors["ends"]
    half = client.post(_url("activity-create"), _form(ends=""))
    assert half.status_code == 200 and "ends" in half.context["form"].errors
    future = client.post(
        _url("activity-create"), _form(held_on=(TODAY + datetime.timedelta(days=3)).isoformat())
    )
    assert future.status_code == 200 and future.context["form"].non_field_errors()
    elsewhere = client.post(_url("activity-create"), _form(region=first_village(TIANMUHU).code))
    assert elsewhere.status_code == 200 and "region" in elsewhere.context["form"].errors
    garbage = client.post(_url("activity-create"), {"beneficiaries": "-3", "held_on": "tomorrow"})
    assert garbage.status_code == 200 and {"beneficiaries", "held_on", "title"} <= set(
        garbage.context["form"].errors
    )
    assert not Activity.objects.exists()


def test_an_organization_records_for_itself_only(
    organization: Organization, organization_account: User, login: Login
) -> None:
    other = make_organization("戴埠镇红十字志愿服务队", DAIBU)
    client = login(organization_account)
    page = client.get(_url("activity-create"))
    assert organization.name in page.text and other.name not in page.text
    refused = client.post(_url("activity-create"), _form(organization=other.pk))
    assert refused.status_code == 200 and "organization" in refused.context["form"].errors
    assert client.post(_url("activity-create"), _form(organization="")).status_code == 200
    sent = client.post(_url("activity-create"), _form(organization=organization.pk))
    assert sent.status_code == 302 and Activity.objects.get().organization == organization


# Photos ------------------------------------------------------------------------------------


def test_a_photo_is_kept_without_its_location_and_served_to_those_who_see_the_activity(
    activity: Activity, organization_account: User, daibu_officer: User, login: Login
) -> None:
    client = login(organization_account)
    upload = SimpleUploadedFile("现场.jpg", jpeg_with_gps(), content_type="image/jpeg")
    sent = client.post(_url("activity-photo-add", activity.pk), {"photo": upload, "caption": "宣讲现场"})
    assert sent.status_code == 302 and sent["Location"] == _url("activity-detail", activity.pk)
    photo = ActivityPhoto.objects.get(activity=activity)
    stored = Image.open(BytesIO(bytes(photo.content)))
    assert stored.format == "JPEG" and not stored.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    assert ExifTags.Base.Make not in stored.getexif()
    assert ActivityEvent.objects.filter(subject="activity", subject_id=activity.pk, action="photo").exists()
    served = login(daibu_officer).get(_url("activity-photo", photo.pk))
    assert served.status_code == 200 and served["Content-Type"] == "image/jpeg"
    assert served["X-Content-Type-Options"] == "nosniff" and served.content == bytes(photo.content)
    detail = client.get(_url("activity-detail", activity.pk))
    assert _url("activity-photo", photo.pk) in detail.text and "宣讲现场" in detail.text


def test_a_file_that_is_no_photo_is_refused_with_its_error(
    activity: Activity, organization_account: User, login: Login
) -> None:
    upload = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    sent = login(organization_account).post(_url("activity-photo-add", activity.pk), {"photo": upload})
    assert sent.status_code == 200 and 'data-testid="photo-error"' in sent.text
    missing = login(organization_account).post(_url("activity-photo-add", activity.pk), {})
    assert missing.status_code == 200 and 'data-testid="photo-error"' in missing.text
    assert not ActivityPhoto.objects.exists()


# Attendance --------------------------------------------------------------------------------


def test_attendance_raises_pending_hours_and_shows_their_status(
    activity: Activity, enrolled: list[Volunteer], organization_account: User, login: Login
) -> None:
    client = login(organization_account)
    page = client.get(_url("activity-attendance", activity.pk))
    assert page.status_code == 200 and "陈小红" in page.text and "刘大伟" in page.text
    assert PHONE not in page.text and "136****5678" in page.text
    sent = client.post(_url("activity-attendance", activity.pk), {"volunteers": [v.pk for v in enrolled]})
    assert sent.status_code == 302 and sent["Location"] == _url("activity-detail", activity.pk)
    records = ServiceRecord.objects.filter(volunteer__in=enrolled)
    assert records.count() == 2
    assert {(r.status, r.source, r.minutes) for r in records} == {
        (HoursStatus.PENDING, HoursSource.ATTENDANCE, 120)
    }
    detail = client.get(sent["Location"])
    assert 'data-testid="attendees"' in detail.text and detail.text.count("badge text-bg-warning") == 2
    for record in records:
        assert reverse("people:record-detail", args=[record.pk]) in detail.text
    assert PHONE not in detail.text
    # Those marked are no longer offered; nobody else serves with the organization.
    again = client.get(_url("activity-attendance", activity.pk))
    assert 'data-testid="no-candidates"' in again.text


def test_attendance_that_clashes_is_refused_with_the_reason(
    activity: Activity,
    enrolled: list[Volunteer],
    organization: Organization,
    organization_account: User,
    login: Login,
) -> None:
    activities.record_attendance(activity, volunteers=enrolled[:1], by=organization_account)
    clash = held(organization, organization_account)
    sent = login(organization_account).post(
        _url("activity-attendance", clash.pk), {"volunteers": [enrolled[0].pk]}
    )
    assert sent.status_code == 200 and sent.context["form"].non_field_errors()
    assert not Attendance.objects.filter(activity=clash).exists()
    nobody = login(organization_account).post(_url("activity-attendance", clash.pk), {"volunteers": []})
    assert nobody.status_code == 200 and "volunteers" in nobody.context["form"].errors


# The QR code and card ----------------------------------------------------------------------


def test_the_qr_code_and_the_card_lead_to_the_rating_form(
    activity: Activity, daibu_officer: User, login: Login
) -> None:
    client = login(daibu_officer)
    link = "http://testserver" + reverse("portal:rate", args=[activity.feedback_token])
    qr = client.get(_url("activity-qr", activity.pk))
    assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
    card = client.get(_url("activity-detail", activity.pk), {"print": "card"})
    assert card.status_code == 200 and 'data-testid="feedback-card"' in card.text and link in card.text
    detail = client.get(_url("activity-detail", activity.pk))
    assert link in detail.text and 'data-testid="rating-count">0<' in detail.text


# Who may see and do what -------------------------------------------------------------------


def _activity_urls(activity: Activity, photo: ActivityPhoto) -> list[str]:
    return [
        _url("activity-list"),
        _url("activity-create"),
        _url("activity-export"),
        _url("activity-detail", activity.pk),
        _url("activity-photo-add", activity.pk),
        _url("activity-photo", photo.pk),
        _url("activity-attendance", activity.pk),
        _url("activity-qr", activity.pk),
    ]


@pytest.fixture
def photo(activity: Activity, organization_account: User) -> ActivityPhoto:
    return activities.add_photo(activity, data=jpeg_with_gps(), by=organization_account)


def test_anonymous_visitors_are_sent_to_sign_in(
    activity: Activity, photo: ActivityPhoto, client: Client
) -> None:
    for url in _activity_urls(activity, photo):
        for method in (client.get, client.post):
            response = method(url)
            assert response.status_code == 302 and "/accounts/login/" in response["Location"], url


def test_a_volunteer_is_refused_every_activity_page(
    activity: Activity, photo: ActivityPhoto, volunteer: User, login: Login
) -> None:
    client = login(volunteer)
    for url in _activity_urls(activity, photo):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url


def test_another_towns_officer_finds_nothing(
    activity: Activity, photo: ActivityPhoto, enrolled: list[Volunteer], tianmuhu_officer: User, login: Login
) -> None:
    client = login(tianmuhu_officer)
    for name in ("activity-detail", "activity-attendance", "activity-qr"):
        assert client.get(_url(name, activity.pk)).status_code == 404, name
    assert client.get(_url("activity-photo", photo.pk)).status_code == 404
    upload = SimpleUploadedFile("x.jpg", jpeg_with_gps(), content_type="image/jpeg")
    assert client.post(_url("activity-photo-add", activity.pk), {"photo": upload}).status_code == 404
    sent = client.post(_url("activity-attendance", activity.pk), {"volunteers": [enrolled[0].pk]})
    assert sent.status_code == 404 and not Attendance.objects.exists()
    assert ActivityPhoto.objects.count() == 1
    assert activity.pk not in {a.pk for a in client.get(_url("activity-list")).context["page"]}
    sheet = load_workbook(BytesIO(client.get(_url("activity-export")).content)).active
    assert sheet.max_row == 1


def test_an_organization_sees_only_its_own_activities(
    activity: Activity, photo: ActivityPhoto, village_worker: User, organization_account: User, login: Login
) -> None:
    other = make_organization("戴埠镇红十字志愿服务队", DAIBU)
    theirs = held(other, village_worker)
    theirs_photo = activities.add_photo(theirs, data=jpeg_with_gps(), by=village_worker)
    client = login(organization_account)
    assert [a.pk for a in client.get(_url("activity-list")).context["page"]] == [activity.pk]
    assert client.get(_url("activity-detail", activity.pk)).status_code == 200
    assert client.get(_url("activity-photo", photo.pk)).status_code == 200
    for name in ("activity-detail", "activity-attendance", "activity-qr"):
        assert client.get(_url(name, theirs.pk)).status_code == 404, name
    assert client.get(_url("activity-photo", theirs_photo.pk)).status_code == 404
