from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils import timezone
from django.utils.translation import gettext as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.accounts.models import AccountType, ApiToken, User, hash_token
from peiyu.accounts.roles import ROLES
from peiyu.core import audit
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.regions.models import Region


@audit.service("accounts.create")
def create_account(
    *,
    username: str,
    password: str,
    role: str,
    region: Region | None,
    display_name: str = "",
    phone: str = "",
    email: str = "",
    by: User | None,
) -> User:
    """Create an account with one role. An actor may only create accounts inside its scope."""
    if role not in ROLES:
        raise DomainError(_("Unknown role: %(role)s") % {"role": role})
    account_type = ROLES[role].account_type
    if account_type == AccountType.STAFF and region is None:
        raise DomainError(_("A staff account must be bound to a region."))
    if by is not None:
        if not by.has_perm("accounts.add_user"):
            raise PermissionRefused(_("You may not create accounts."))
        if not by.is_superuser and (region is None or not by.region or not by.region.contains(region.code)):
            raise PermissionRefused(_("You may only create accounts inside your own region."))
    if User.objects.filter(username=username).exists():
        raise DomainError(_("The username %(username)s is taken.") % {"username": username})
    user = User(
        username=username,
        display_name=display_name,
        phone=phone,
        email=email,
        account_type=account_type,
        region=region,
    )
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user.groups.add(Group.objects.get(name=role))
    return user


@audit.service("accounts.deactivate")
def set_account_active(user: User, *, active: bool, by: User) -> User:
    if not by.has_perm("accounts.change_user"):
        raise PermissionRefused(_("You may not change accounts."))
    if user.pk == by.pk and not active:
        raise DomainError(_("You cannot deactivate your own account."))
    user.is_active = active
    user.save(update_fields=["is_active", "updated_at"])
    return user


@audit.service("accounts.password_change")
def change_password(user: User, *, new_password: str, by: User) -> None:
    validate_password(new_password, user)
    user.set_password(new_password)
    user.save(update_fields=["password", "updated_at"])
    audit.record(event="accounts.password_change", target=user, action=1)


@audit.service("api.token_create")
def create_api_token(
    *, owner: User, name: str, by: User, expires_at: datetime | None = None
) -> tuple[ApiToken, str]:
    """Create a token and return it with its secret, which is shown once and never stored."""
    if not by.has_perm("accounts.manage_api_tokens"):
        raise PermissionRefused(_("You may not manage API tokens."))
    if not User.objects.visible_to(by).filter(pk=owner.pk).exists():
        raise PermissionRefused(_("You may only create tokens for accounts in your region."))
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        owner=owner,
        name=name,
        prefix=raw[:8],
        token_hash=hash_token(raw),
        created_by=by,
        expires_at=expires_at,
    )
    return token, raw


@audit.service("api.token_revoke")
def revoke_api_token(token: ApiToken, *, by: User) -> ApiToken:
    if not by.has_perm("accounts.manage_api_tokens"):
        raise PermissionRefused(_("You may not manage API tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token


@audit.service("accounts.otp_enable")
def confirm_totp_device(device: TOTPDevice, *, token: str, by: User) -> bool:
    """Confirm a pending TOTP device if ``token`` matches; replace any earlier device."""
    if device.user_id != by.pk or not device.verify_token(token):
        return False
    TOTPDevice.objects.filter(user=by).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    audit.record(event="accounts.otp_enable", target=by, action=1)
    return True


@audit.service("accounts.otp_disable")
def disable_totp(*, by: User) -> None:
    TOTPDevice.objects.filter(user=by).delete()
    audit.record(event="accounts.otp_disable", target=by, action=1)
