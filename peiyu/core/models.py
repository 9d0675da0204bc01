from __future__ import annotations

from typing import Any

from auditlog.models import AbstractLogEntry, LogEntryManager
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from peiyu.core.audit import current_context
from peiyu.lib.divisions import prefix_of


class AuditEntryQuerySet(models.QuerySet["AuditEntry"]):
    def visible_to(self, user: Any) -> AuditEntryQuerySet:
        """Administrators see the entries of their region's subtree; nobody else sees any."""
        if not user.is_authenticated or not user.has_perm("core.view_auditentry"):
            return self.none()
        if user.is_superuser:
            return self.all()
        if not user.is_staff_account or not user.region_id:
            return self.none()
        return self.filter(region_code__startswith=prefix_of(user.region_id))

    def search(self, *, event: str = "", actor: str = "", text: str = "") -> AuditEntryQuerySet:
        entries = self
        if event:
            entries = entries.filter(event__startswith=event)
        if actor:
            entries = entries.filter(
                Q(actor__username__icontains=actor) | Q(actor__display_name__icontains=actor)
            )
        if text:
            entries = entries.filter(object_repr__icontains=text)
        return entries

    def for_listing(self) -> AuditEntryQuerySet:
        return self.select_related("actor", "content_type").order_by("-timestamp", "-pk")


AuditEntryManager = LogEntryManager.from_queryset(AuditEntryQuerySet)


class AuditEntry(AbstractLogEntry):
    """One row of the audit trail: a model change recorded by django-auditlog, or an event
    (login, failed login, import, purge) recorded by a service. ``region_code`` is the region of
    the actor (or of the account a failed login named) and scopes what administrators see."""

    event: models.CharField[str, str] = models.CharField(_("event"), max_length=64, blank=True, db_index=True)
    region_code: models.CharField[str, str] = models.CharField(
        _("region code"), max_length=12, blank=True, db_index=True
    )

    class Meta(AbstractLogEntry.Meta):
        swappable = "AUDITLOG_LOGENTRY_MODEL"
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [models.Index(fields=["region_code", "-timestamp"], name="audit_region_time")]

    objects = AuditEntryManager()

    @property
    def change_summary(self) -> str:
        """The changes as one line; many-to-many changes (which auditlog's own
        ``changes_str`` cannot show) as the operation and the objects."""
        parts = []
        for field, change in (self.changes_dict or {}).items():
            if isinstance(change, dict):
                objects = ", ".join(str(o) for o in change.get("objects", []))
                parts.append(f"{field}: {change.get('operation', '')} {objects}")
            else:
                parts.append(f"{field}: {change[0]} → {change[1]}")
        return "; ".join(parts)

    def save(self, *args: Any, **kwargs: Any) -> None:
        context = current_context()
        if context is not None:
            if not self.event:
                self.event = context.event
            if self.actor_id is None and context.actor is not None and context.actor.pk:
                self.actor = context.actor
                self.actor_email = context.actor.email or None
        if not self.region_code and self.actor is not None:
            from peiyu.core.audit import region_of_account

            self.region_code = region_of_account(self.actor)
        super().save(*args, **kwargs)


class OptionValue(models.Model):
    """A region's override of a local setting (see ``peiyu.core.options``)."""

    key = models.CharField(_("setting"), max_length=60)
    region = models.ForeignKey("regions.Region", verbose_name=_("region"), on_delete=models.CASCADE)
    value = models.JSONField(_("value"))
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("local setting")
        verbose_name_plural = _("local settings")
        constraints = [models.UniqueConstraint(fields=["key", "region"], name="core_option_unique")]

    def __str__(self) -> str:
        return f"{self.key} @ {self.region_id}"


class WorkflowEvent(models.Model):
    """One step in an app's workflows (who, when, what, from, to, note): each app's history
    table subclasses it and adds what it files the step under (an organization, a residency, a
    round). Written by ``core.workflow.event_row``."""

    subject = models.CharField(_("subject"), max_length=20)
    subject_id = models.PositiveBigIntegerField()
    action = models.CharField(_("action"), max_length=30)
    from_status = models.CharField(_("from"), max_length=16, blank=True)
    to_status = models.CharField(_("to"), max_length=16, blank=True)
    actor = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        abstract = True
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.subject} {self.subject_id}: {self.action}"
