"""Volunteers: registration by the office, an organization and the portal; identity checks;
masking and audited reveal; edits; scope."""

from __future__ import annotations

import io
from collections.abc import Callable

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from peiyu.accounts.models import User
from peiyu.core.models import AuditEntry
from peiyu.orgs.models import Organization
from peiyu.people.models import RegisteredVia, Volunteer
from peiyu.people.tests.conftest import id_number
from peiyu.testing import DAIBU, first_village

Login = Callable[[User], Client]


def form_data(**extra: object) -> dict[str, object]:
    return {
        "name": "周建国",
        "id_type": "resident",
        "id_number": "11010519491231002X",
        "phone": "13812345678",
        "region": first_village(DAIBU).code,
        "skills": ["elderly_care", "arts"],
        "availability": ["weekend"],
        **extra,
    }


def test_an_officer_registers_a_volunteer_and_identity_gives_birth_date_and_sex(
    daibu_officer: User, login: Login
) -> None:
    response = login(daibu_officer).post("/people/volunteers/new/", form_data())
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.birth_date.isoformat() == "1949-12-31"
    assert volunteer.sex == "female"
    assert volunteer.registered_via == RegisteredVia.STAFF
    assert volunteer.number.startswith("32048126") or volunteer.number.startswith("320481")
    assert sorted(s.code for s in volunteer.skills.all()) == ["arts", "elderly_care"]


def test_a_wrong_check_digit_is_refused_with_its_position(daibu_officer: User, login: Login) -> None:
    response = login(daibu_officer).post("/people/volunteers/new/", form_data(id_number="110105194912310021"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "18" in html and Volunteer.objects.count() == 0


def test_the_same_person_cannot_register_twice(daibu_officer: User, login: Login) -> None:
    client = login(daibu_officer)
    client.post("/people/volunteers/new/", form_data())
    response = client.post("/people/volunteers/new/", form_data(name="又一个"))
    assert response.status_code == 200 and Volunteer.objects.count() == 1


def test_an_organization_registers_volunteers_who_then_serve_with_it(
    organization: Organization, organization_account: User, login: Login
) -> None:
    response = login(organization_account).post("/people/volunteers/new/", form_data())
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.registered_via == RegisteredVia.ORGANIZATION
    assert list(volunteer.organizations.all()) == [organization]
    # It sees its own volunteers, and not others'.
    assert login(organization_account).get(f"/people/volunteers/{volunteer.pk}/").status_code == 200


def test_identity_and_phone_are_masked_in_pages_and_exports(
    make_volunteer: Callable[..., Volunteer], county_officer: User, login: Login
) -> None:
    volunteer = make_volunteer("钱多多")
    client = login(county_officer)
    for url in ("/people/volunteers/", f"/people/volunteers/{volunteer.pk}/"):
        html = client.get(url).content.decode()
        assert volunteer.id_number not in html and volunteer.phone not in html
        assert volunteer.id_number[:6] + "********" + volunteer.id_number[-4:] in html
        assert "136****5678" in html
    workbook = openpyxl.load_workbook(io.BytesIO(client.get("/people/volunteers/?format=xlsx").content))
    cells = {str(c.value) for row in workbook.active.iter_rows() for c in row}
    assert volunteer.id_number not in cells and volunteer.phone not in cells
    assert "136****5678" in cells


def test_reveal_needs_the_permission_and_is_audited(
    make_volunteer: Callable[..., Volunteer], county_officer: User, village_worker: User, login: Login
) -> None:
    volunteer = make_volunteer()
    assert login(village_worker).post(f"/people/volunteers/{volunteer.pk}/reveal/").status_code == 403
    response = login(county_officer).post(f"/people/volunteers/{volunteer.pk}/reveal/")
    assert volunteer.id_number in response.content.decode()
    entry = AuditEntry.objects.get(event="people.reveal_identity")
    assert entry.actor == county_officer and entry.object_pk == str(volunteer.pk)


def test_out_of_scope_is_404_and_anonymous_signs_in(
    make_volunteer: Callable[..., Volunteer],
    tianmuhu_officer: User,
    organization_account: User,
    login: Login,
    client: Client,
) -> None:
    volunteer = make_volunteer(town=DAIBU)
    for user in (tianmuhu_officer, organization_account):
        assert login(user).get(f"/people/volunteers/{volunteer.pk}/").status_code == 404
        assert login(user).post(f"/people/volunteers/{volunteer.pk}/reveal/").status_code == 404
    assert client.get(f"/people/volunteers/{volunteer.pk}/").status_code == 302
    assert client.get("/people/volunteers/new/").status_code == 302


def test_a_volunteer_account_cannot_use_the_back_office(
    own_volunteer: Volunteer, volunteer: User, login: Login
) -> None:
    client = login(volunteer)
    assert client.get("/people/volunteers/").status_code == 403
    assert client.get("/people/volunteers/new/").status_code == 403
    assert client.get("/people/me/").status_code == 200


def test_an_edit_on_a_stale_version_is_refused(
    make_volunteer: Callable[..., Volunteer], daibu_officer: User, login: Login
) -> None:
    volunteer = make_volunteer("孙一")
    client = login(daibu_officer)
    data = {
        "name": "孙一一",
        "phone": "13700001111",
        "region": volunteer.region_id,
        "version": volunteer.version,
    }
    assert client.post(f"/people/volunteers/{volunteer.pk}/edit/", data).status_code == 302
    stale = client.post(f"/people/volunteers/{volunteer.pk}/edit/", {**data, "name": "孙二"})
    assert stale.status_code == 200
    volunteer.refresh_from_db()
    assert volunteer.name == "孙一一" and volunteer.version == 2


def test_volunteer_list_filters_and_query_count(
    make_volunteer: Callable[..., Volunteer], county_officer: User, login: Login
) -> None:
    client = login(county_officer)
    first = make_volunteer("赵甲")
    make_volunteer("钱乙")
    html = client.get("/people/volunteers/?q=赵").content.decode()
    assert "赵甲" in html and "钱乙" not in html
    assert "赵甲" in client.get(f"/people/volunteers/?q={first.number}").content.decode()
    with CaptureQueriesContext(connection) as few:
        client.get("/people/volunteers/")
    for i in range(5):
        make_volunteer(f"孙{i}")
    with CaptureQueriesContext(connection) as more:
        client.get("/people/volunteers/")
    assert len(more) == len(few) <= 15


# The portal


def test_a_resident_registers_on_the_portal_and_lands_on_their_record(client: Client, regions: None) -> None:
    number = id_number()
    data = {
        "name": "吴晓",
        "id_number": number,
        "phone": "13900001234",
        "region": first_village(DAIBU).code,
        "availability": ["weekend"],
        "username": "wuxiao",
        "password": "Volunteer-2026!",
        "password2": "Volunteer-2026!",
        "consent": "on",
    }
    response = client.post("/volunteer/register/", data)
    assert response.status_code == 302 and response["Location"] == "/people/me/"
    volunteer = Volunteer.objects.get(id_number=number)
    assert volunteer.registered_via == RegisteredVia.PORTAL
    assert volunteer.account is not None and volunteer.account.username == "wuxiao"
    page = client.get("/people/me/").content.decode()
    assert volunteer.number in page and number not in page


@pytest.mark.parametrize(
    ("field", "value"),
    [("id_number", "110105194912310021"), ("phone", "2345"), ("password2", "different-1"), ("consent", "")],
)
def test_portal_registration_refuses_bad_input(client: Client, regions: None, field: str, value: str) -> None:
    data = {
        "name": "吴晓",
        "id_number": id_number(),
        "phone": "13900001234",
        "region": first_village(DAIBU).code,
        "username": "wuxiao2",
        "password": "Volunteer-2026!",
        "password2": "Volunteer-2026!",
        "consent": "on",
        field: value,
    }
    response = client.post("/volunteer/register/", data)
    assert response.status_code == 200 and Volunteer.objects.count() == 0
