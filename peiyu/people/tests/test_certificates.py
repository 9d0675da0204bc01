"""QR check-in and check-out, service certificates as PDF, and public verification."""

from __future__ import annotations

import datetime
from collections.abc import Callable

import pypdfium2 as pdfium
import pytest
from django.test import Client
from django.utils import timezone

from peiyu.accounts.models import User
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.orgs.models import Organization
from peiyu.people.models import (
    Certificate,
    CertificateStatus,
    CheckIn,
    HoursSource,
    HoursStatus,
    ServiceActivity,
    Volunteer,
)
from peiyu.people.services import certificates, hours
from peiyu.testing import ARTIFACTS, DAIBU, first_village

Login = Callable[[User], Client]


@pytest.fixture
def activity(organization: Organization, organization_account: User) -> ServiceActivity:
    now = timezone.now()
    return hours.create_activity(
        organization=organization,
        title="重阳节敬老志愿服务",
        place="戴埠镇敬老院",
        region=first_village(DAIBU),
        starts_at=now - datetime.timedelta(hours=3),
        ends_at=now + datetime.timedelta(hours=1),
        by=organization_account,
    )


def test_check_in_and_out_by_the_qr_link_makes_a_pending_record(
    activity: ServiceActivity,
    own_volunteer: Volunteer,
    volunteer: User,
    organization_account: User,
    login: Login,
) -> None:
    hours.check_in(
        activity, volunteer=own_volunteer, by=volunteer, at=timezone.now() - datetime.timedelta(minutes=150)
    )
    client = login(volunteer)
    page = client.get(f"/people/check/{activity.token}/").content.decode()
    assert 'data-testid="check-out"' in page
    client.post(f"/people/check/{activity.token}/", {"action": "out"})
    made = CheckIn.objects.get().record
    assert made is not None and made.source == HoursSource.CHECK_IN and made.status == HoursStatus.PENDING
    assert 149 <= made.minutes <= 151
    # The organizer approves; the volunteer sees the hours.
    hours.decide_hours(made, decision=HoursStatus.APPROVED, by=organization_account)
    assert f"{made.hours}" in client.get("/people/me/").content.decode()


def test_one_open_check_in_at_a_time_and_only_while_the_activity_runs(
    activity: ServiceActivity, own_volunteer: Volunteer, volunteer: User, organization_account: User
) -> None:
    hours.check_in(activity, volunteer=own_volunteer, by=volunteer)
    with pytest.raises(DomainError):
        hours.check_in(activity, volunteer=own_volunteer, by=volunteer)
    later = hours.create_activity(
        organization=activity.organization,
        title="下周活动",
        place="x",
        region=activity.region,
        starts_at=timezone.now() + datetime.timedelta(days=7),
        ends_at=timezone.now() + datetime.timedelta(days=7, hours=2),
        by=organization_account,
    )
    with pytest.raises(DomainError):
        hours.check_in(later, volunteer=own_volunteer, by=volunteer)


def test_nobody_checks_in_for_someone_else(
    activity: ServiceActivity, make_volunteer: Callable[..., Volunteer], volunteer: User
) -> None:
    with pytest.raises(PermissionRefused):
        hours.check_in(activity, volunteer=make_volunteer("别人"), by=volunteer)


def test_the_check_page_explains_to_a_non_volunteer(
    activity: ServiceActivity, county_officer: User, login: Login, client: Client
) -> None:
    assert client.get(f"/people/check/{activity.token}/").status_code == 302  # sign in first
    assert login(county_officer).get(f"/people/check/{activity.token}/").status_code == 404
    assert login(county_officer).get("/people/check/not-a-token/").status_code == 404


def _served(volunteer: Volunteer, organization: Organization, by: User) -> None:
    start = timezone.now() - datetime.timedelta(days=20)
    for day in range(3):
        begin = start + datetime.timedelta(days=day)
        hours.record_hours(
            volunteer=volunteer,
            organization=organization,
            title=f"社区服务{day}",
            started_at=begin,
            ended_at=begin + datetime.timedelta(hours=2, minutes=30),
            by=by,
        )


def test_a_requested_certificate_is_issued_rendered_and_verified(
    own_volunteer: Volunteer,
    organization: Organization,
    organization_account: User,
    volunteer: User,
    login: Login,
    client: Client,
) -> None:
    _served(own_volunteer, organization, organization_account)
    mine = login(volunteer)
    mine.post("/people/me/certificates/request/", {"organization": organization.pk, "purpose": "升学"})
    request = Certificate.objects.get()
    assert request.status == CertificateStatus.REQUESTED
    issuer = login(organization_account)
    issuer.post(f"/people/certificates/{request.pk}/", {"action": "issue", "version": request.version})
    request.refresh_from_db()
    assert request.status == CertificateStatus.ISSUED and request.number and request.minutes == 450

    response = mine.get(f"/people/certificates/{request.pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    document = pdfium.PdfDocument(response.content)
    text = document[0].get_textpage().get_text_range()
    assert "林志愿" in text and "7.5" in text and request.number in text
    assert own_volunteer.id_number not in text  # masked as configured by default
    assert own_volunteer.id_number[:6] in text
    image = document[0].render(scale=1).to_pil()
    ARTIFACTS.mkdir(exist_ok=True)
    image.save(ARTIFACTS / "volunteer-certificate.png")
    dark = image.convert("L").point(lambda p: 255 if p < 128 else 0).histogram()[255]
    assert dark > 5000  # text, border and QR code, not a blank page

    page = client.get(f"/certificates/{request.number}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "林志愿" in html and "7.5" in html and own_volunteer.id_number not in html
    assert client.get("/certificates/ZM-320481-2026-999999/").status_code == 404
    assert client.get("/certificates/", {"number": request.number}).status_code == 302


def test_only_the_issuer_issues_and_nothing_without_approved_hours(
    own_volunteer: Volunteer,
    organization: Organization,
    other_organization: Organization,
    organization_account: User,
    volunteer: User,
    tianmuhu_officer: User,
    login: Login,
) -> None:
    with pytest.raises(DomainError):
        certificates.request_certificate(volunteer=own_volunteer, organization=organization, by=volunteer)
    _served(own_volunteer, organization, organization_account)
    request = certificates.request_certificate(
        volunteer=own_volunteer, organization=organization, by=volunteer
    )
    with pytest.raises(PermissionRefused):
        certificates.issue_certificate(request, by=tianmuhu_officer)
    assert login(tianmuhu_officer).get(f"/people/certificates/{request.pk}/").status_code == 404
    assert (
        login(volunteer).post(f"/people/certificates/{request.pk}/", {"action": "issue"}).status_code == 403
    )
    certificates.decline_certificate(request, reason="信息有误", by=organization_account)
    with pytest.raises(DomainError):
        certificates.issue_certificate(request, by=organization_account)


def test_full_identity_on_certificates_is_a_local_setting(
    own_volunteer: Volunteer, organization: Organization, organization_account: User, administrator: User
) -> None:
    from peiyu.core.services import set_option
    from peiyu.testing import LIYANG, region

    _served(own_volunteer, organization, organization_account)
    set_option(key="people.certificate_identity", region=region(LIYANG), text="full", by=administrator)
    issued = certificates.certify(volunteer=own_volunteer, organization=organization, by=organization_account)
    assert issued.content["id_number"] == own_volunteer.id_number


def test_activity_pages_are_scoped_and_denied(
    activity: ServiceActivity,
    volunteer: User,
    tianmuhu_officer: User,
    daibu_officer: User,
    login: Login,
    client: Client,
) -> None:
    assert client.get("/people/activities/new/").status_code == 302
    assert login(volunteer).get("/people/activities/new/").status_code == 403
    assert login(volunteer).get(f"/people/activities/{activity.pk}/").status_code == 403
    assert login(tianmuhu_officer).get(f"/people/activities/{activity.pk}/").status_code == 404
    assert (
        login(tianmuhu_officer).post(f"/people/activities/{activity.pk}/", {"open": "0"}).status_code == 404
    )
    assert login(daibu_officer).get(f"/people/activities/{activity.pk}/qr.svg").status_code == 200
    activity.refresh_from_db()
    assert activity.is_open
