from __future__ import annotations

from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext as _

from peiyu.core import audit
from peiyu.core.exceptions import DomainError
from peiyu.core.models import AuditEntry

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
