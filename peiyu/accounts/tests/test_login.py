from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.accounts.models import User
from peiyu.accounts.services import create_account
from peiyu.core.models import AuditEntry
from peiyu.testing import PASSWORD, region

pytestmark = pytest.mark.django_db


def sign_in(client: Client, username: str, password: str = PASSWORD) -> int:
    return client.post("/accounts/login/", {"username": username, "password": password}).status_code


def test_sign_in_lands_on_the_workbench_and_is_audited(client: Client, daibu_officer: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "daibu", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    assert response["Location"] == "/workbench/"
    entry = AuditEntry.objects.get(event="auth.login")
    assert (entry.actor, entry.region_code, entry.remote_addr) == (daibu_officer, "320481103000", "10.1.2.3")


def test_next_is_followed_only_to_this_site(client: Client, daibu_officer: User) -> None:
    response = client.post(
        "/accounts/login/", {"username": "daibu", "password": PASSWORD, "next": "https://evil.example/"}
    )
    assert response["Location"] == "/workbench/"
    client.logout()
    response = client.post(
        "/accounts/login/", {"username": "daibu", "password": PASSWORD, "next": "/regions/"}
    )
    assert response["Location"] == "/regions/"


def test_failed_sign_ins_are_audited_even_for_unknown_names(client: Client, daibu_officer: User) -> None:
    assert sign_in(client, "daibu", "wrong-password") == 200
    assert sign_in(client, "nobody", "whatever") == 200
    failed = AuditEntry.objects.filter(event="auth.login_failed").order_by("pk")
    assert [(e.object_repr, e.region_code) for e in failed] == [("daibu", "320481103000"), ("nobody", "")]


def test_five_failures_lock_the_account_for_thirty_minutes(client: Client, daibu_officer: User) -> None:
    for _attempt in range(5):
        sign_in(client, "daibu", "wrong-password")
    response = client.post("/accounts/login/", {"username": "daibu", "password": PASSWORD})
    assert response.status_code == 429
    assert "locked-out" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another person at another address cannot sign in as daibu either: the account is locked.
    other = Client(REMOTE_ADDR="10.9.9.9")
    assert other.post("/accounts/login/", {"username": "daibu", "password": PASSWORD}).status_code == 429
    # After the cool-off the right password works again.
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    assert sign_in(client, "daibu") == 302


def test_four_failures_do_not_lock(client: Client, daibu_officer: User) -> None:
    for _attempt in range(4):
        sign_in(client, "daibu", "wrong-password")
    assert sign_in(client, "daibu") == 302


def test_idle_sessions_end_after_thirty_minutes(client: Client, daibu_officer: User) -> None:
    assert sign_in(client, "daibu") == 302
    assert client.session.get_expiry_age() == 30 * 60
    assert client.get("/workbench/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/workbench/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_every_request_pushes_the_idle_deadline(client: Client, daibu_officer: User) -> None:
    sign_in(client, "daibu")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=1))
    client.get("/workbench/")
    remaining = Session.objects.get().expire_date - timezone.now()
    assert remaining > timedelta(minutes=29)


def test_sign_out_needs_post_and_is_audited(client: Client, daibu_officer: User) -> None:
    sign_in(client, "daibu")
    assert client.get("/accounts/logout/").status_code == 405
    assert client.post("/accounts/logout/").status_code == 302
    assert AuditEntry.objects.filter(event="auth.logout", actor=daibu_officer).exists()
    assert client.get("/workbench/").status_code == 302


def test_deactivated_accounts_cannot_sign_in(client: Client, daibu_officer: User) -> None:
    User.objects.filter(pk=daibu_officer.pk).update(is_active=False)
    assert sign_in(client, "daibu") == 200


def test_second_factor_setup_and_sign_in(client: Client, daibu_officer: User) -> None:
    sign_in(client, "daibu")
    page = client.get("/accounts/otp/")
    assert page.status_code == 200
    assert page.context["qr"].startswith("data:image/svg+xml;base64,")
    device = TOTPDevice.objects.get(user=daibu_officer, confirmed=False)
    response = client.post("/accounts/otp/", {"token": "000000" if totp(device.bin_key) != 0 else "111111"})
    assert response.status_code == 200  # wrong code: explained, not confirmed
    device.refresh_from_db()
    assert not device.confirmed
    assert device.throttling_failure_count == 1  # django-otp slows down guessing
    device.throttle_reset()
    response = client.post("/accounts/otp/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert AuditEntry.objects.filter(event="accounts.otp_enable").exists()

    client.post("/accounts/logout/")
    response = client.post("/accounts/login/", {"username": "daibu", "password": PASSWORD})
    assert response["Location"].startswith("/accounts/login/verify/")
    assert "_auth_user_id" not in client.session
    assert client.get("/workbench/").status_code == 302  # not signed in until the code is checked
    device.last_t = -1
    device.save(update_fields=["last_t"])
    assert client.post("/accounts/login/verify/", {"token": "12345"}).status_code == 200
    response = client.post("/accounts/login/verify/", {"token": f"{totp(device.bin_key):06d}"})
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200


def test_verify_step_without_a_pending_sign_in_goes_back(client: Client) -> None:
    assert client.get("/accounts/login/verify/")["Location"] == "/accounts/login/"


def test_passwords_are_hashed_with_argon2(settings: object, regions: None) -> None:
    settings.PASSWORD_HASHERS = [  # type: ignore[attr-defined]
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
    user = create_account(
        username="hashed", password=PASSWORD, role="county_officer", region=region("320481"), by=None
    )
    assert user.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize("weak", ["short1A!", "allletterslowercase", "1234567890123", "Password12"])
def test_weak_passwords_are_refused(weak: str, regions: None) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        create_account(
            username="weak", password=weak, role="county_officer", region=region("320481"), by=None
        )
    assert not User.objects.filter(username="weak").exists()


def test_password_change(client: Client, daibu_officer: User) -> None:
    sign_in(client, "daibu")
    response = client.post(
        "/accounts/password/",
        {"old_password": "nope", "new_password": "New-pass-2026", "new_password_again": "New-pass-2026"},
    )
    assert response.context["form"].errors["old_password"]
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password": "New-pass-2026", "new_password_again": "New-pass-2026"},
    )
    assert response.status_code == 302
    assert client.get("/workbench/").status_code == 200  # still signed in
    daibu_officer.refresh_from_db()
    assert daibu_officer.check_password("New-pass-2026")
