from __future__ import annotations

import base64
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import login, logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from peiyu.accounts import services
from peiyu.accounts.forms import (
    AccountForm,
    ApiTokenForm,
    LoginForm,
    PasswordChangeForm,
    TokenForm,
    UserFilterForm,
)
from peiyu.accounts.models import ApiToken, User
from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.paging import paginate, query_without_page
from peiyu.core.signals import client_ip

PENDING_USER = "peiyu_pending_otp_user"
PENDING_BACKEND = "peiyu_pending_otp_backend"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return "/workbench/"


def login_view(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect(_next_url(request))
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.get_user()
        if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
            request.session[PENDING_USER] = user.pk
            request.session[PENDING_BACKEND] = user.backend  # type: ignore[attr-defined]
            return redirect(f"/accounts/login/verify/?next={_next_url(request)}")
        login(request, user)
        return redirect(_next_url(request))
    return render(request, "accounts/login.html", {"form": form, "next": _next_url(request)})


def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step for accounts with an authenticator: check the six-digit code."""
    pending = request.session.get(PENDING_USER)
    user = User.objects.filter(pk=pending, is_active=True).first() if pending else None
    if user is None:
        return redirect("accounts:login")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is not None and device.verify_token(form.cleaned_data["token"]):
            backend = request.session.pop(PENDING_BACKEND)
            request.session.pop(PENDING_USER)
            login(request, user, backend=backend)
            otp_login(request, device)
            return redirect(_next_url(request))
        audit.record(
            event="auth.otp_failed",
            target=user,
            remote_addr=client_ip(request),
            region_code=user.region_id or "",
        )
        form.add_error("token", _("That code is not right, or it has expired. Try the current one."))
    return render(request, "accounts/login_verify.html", {"form": form, "next": _next_url(request)})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout(request)
    return redirect("portal:home")


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    has_otp = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    return render(request, "accounts/profile.html", {"has_otp": has_otp})


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(user, new_password=form.cleaned_data["new_password"], by=user)
        except ValidationError as error:
            form.add_error("new_password", error.messages)
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("Your password was changed."))
            return redirect("accounts:profile")
    return render(request, "accounts/password_form.html", {"form": form})


def _qr_svg(uri: str) -> str:
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def otp_setup(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=_("Authenticator app"), confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_totp_device(device, token=form.cleaned_data["token"], by=user):
            otp_login(request, device)
            messages.success(request, _("Two-factor sign-in is on."))
            return redirect("accounts:profile")
        form.add_error("token", _("That code is not right. Check the time on your phone and try again."))
    secret = base64.b32encode(device.bin_key).decode()
    context = {"form": form, "qr": _qr_svg(device.config_url), "secret": secret}
    return render(request, "accounts/otp_setup.html", context)


@login_required
@require_POST
def otp_disable(request: HttpRequest) -> HttpResponse:
    services.disable_totp(by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Two-factor sign-in is off."))
    return redirect("accounts:profile")


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_list(request: HttpRequest) -> HttpResponse:
    form = UserFilterForm(request.GET)
    users = User.objects.visible_to(request.user).with_roles()
    if form.is_valid():
        users = users.search(form.cleaned_data["q"])
        if form.cleaned_data["role"]:
            users = users.filter(groups__name=form.cleaned_data["role"])
    context = {"form": form, "page": paginate(request, users), "query": query_without_page(request)}
    return render(request, "accounts/user_list.html", context)


@login_required
@permission_required("accounts.add_user", raise_exception=True)
def user_create(request: HttpRequest) -> HttpResponse:
    form = AccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.create_account(
                username=data["username"],
                password=data["password"],
                role=data["role"],
                region=data["region_code"],
                display_name=data["display_name"],
                phone=data["phone"],
                email=data["email"],
                by=request.user,  # type: ignore[arg-type]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        except ValidationError as error:
            form.add_error("password", error.messages)
        else:
            messages.success(request, _("Account %(name)s was created.") % {"name": user.username})
            return redirect("accounts:user-detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@permission_required("accounts.view_user", raise_exception=True)
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = User.objects.visible_to(request.user).with_roles().get_or_404(pk=pk)
    return render(request, "accounts/user_detail.html", {"account": account})


@login_required
@permission_required("accounts.change_user", raise_exception=True)
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    account = User.objects.visible_to(request.user).get_or_404(pk=pk)
    try:
        services.set_account_active(account, active=request.POST.get("active") == "1", by=request.user)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, str(error))
    return redirect("accounts:user-detail", pk=account.pk)


@login_required
@permission_required("accounts.manage_api_tokens", raise_exception=True)
def token_list(request: HttpRequest) -> HttpResponse:
    owners = User.objects.visible_to(request.user).filter(is_active=True)
    form = ApiTokenForm(request.POST or None, owners=owners)
    created_secret = None
    if request.method == "POST" and form.is_valid():
        _token, created_secret = services.create_api_token(
            owner=form.cleaned_data["owner"],
            name=form.cleaned_data["name"],
            expires_at=form.cleaned_data["expires_at"],
            by=request.user,  # type: ignore[arg-type]
        )
        form = ApiTokenForm(owners=owners)
    tokens = ApiToken.objects.visible_to(request.user).select_related("owner", "created_by")
    context = {"form": form, "page": paginate(request, tokens), "created_secret": created_secret}
    return render(request, "accounts/apitoken_list.html", context)


@login_required
@permission_required("accounts.manage_api_tokens", raise_exception=True)
@require_POST
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = ApiToken.objects.visible_to(request.user).get_or_404(pk=pk)
    services.revoke_api_token(token, by=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Token %(name)s was revoked.") % {"name": token.name})
    return redirect("accounts:token-list")
