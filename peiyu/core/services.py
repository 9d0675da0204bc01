from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.accounts.models import User
from peiyu.core import audit, options
from peiyu.core.exceptions import DomainError, PermissionRefused
from peiyu.core.models import AuditEntry, OptionValue
from peiyu.lib.divisions import prefix_of
from peiyu.regions.models import Region

MINIMUM_RETENTION_DAYS = 180


@audit.service("audit.purge")
def purge_audit_entries(*, keep_days: int) -> int:
    """Delete audit entries older than ``keep_days`` (never fewer than 180 days, the minimum
    that 等保 2.0 asks audit records to be kept) and record the purge itself."""
    if keep_days < MINIMUM_RETENTION_DAYS:
        raise DomainError(
            _("Audit entries must be kept for at least %(days)d days.") % {"days": MINIMUM_RETENTION_DAYS}
        )
    cutoff = timezone.now() - timedelta(days=keep_days)
    deleted, _by_model = AuditEntry.objects.filter(timestamp__lt=cutoff).delete()
    audit.record(
        event="audit.purge",
        target_model=AuditEntry,
        target_repr=_("Audit entries before %(date)s") % {"date": cutoff.date().isoformat()},
        action=AuditEntry.Action.DELETE,
        data={"deleted": deleted, "keep_days": keep_days},
    )
    return int(deleted)


@audit.service("core.set_option")
def set_option(*, key: str, region: Region, text: str, by: User) -> OptionValue | None:
    """Override a local setting for a region, or go back to the inherited value when ``text``
    is empty. ``ValueError`` from the option's parser becomes a ``DomainError``."""
    if not by.has_perm("core.change_optionvalue"):
        raise PermissionRefused(_("You may not change local settings."))
    if (
        by.is_staff_account
        and not by.is_superuser
        and not region.code.startswith(prefix_of(by.region_id or "-"))
    ):
        raise PermissionRefused(_("This region is outside your scope."))
    option = options.OPTIONS.get(key)
    if option is None:
        raise DomainError(_("There is no such setting."))
    if not text.strip():
        OptionValue.objects.filter(key=key, region=region).delete()
        audit.record(event="core.reset_option", target=region, data={"key": key}, region_code=region.code)
        _after_change(option, region.code)
        return None
    try:
        value = option.parse(text)
    except ValueError as error:
        raise DomainError(str(error)) from None
    entry, _created = OptionValue.objects.update_or_create(
        key=key, region=region, defaults={"value": value, "updated_by": by}
    )
    audit.record(
        event="core.set_option", target=region, data={"key": key, "value": value}, region_code=region.code
    )
    _after_change(option, region.code)
    return entry


def _after_change(option: options.Option, region_code: str) -> None:
    on_change = option.on_change
    if on_change is not None:
        transaction.on_commit(lambda: on_change(region_code))
