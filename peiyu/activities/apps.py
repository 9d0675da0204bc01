from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "peiyu.activities"
    verbose_name = _("Activities, mediation and deliberation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.activities import models, options, todos  # noqa: F401 - options register themselves
        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS

        auditlog.register(models.Activity, exclude_fields=["version", "feedback_token"])
        auditlog.register(models.Attendance)
        auditlog.register(models.Mediator, exclude_fields=["version"], mask_fields=["phone"])
        auditlog.register(models.MediationCase, exclude_fields=["version", "feedback_token"])
        auditlog.register(models.Party, mask_fields=["phone", "id_number"])
        auditlog.register(models.Session)
        auditlog.register(models.FollowUp)
        auditlog.register(models.Council, exclude_fields=["version"])
        auditlog.register(models.CouncilMember, mask_fields=["phone"])
        auditlog.register(models.Meeting, exclude_fields=["version"])
        auditlog.register(models.Decision, exclude_fields=["version"])
        position = next(i for i, item in enumerate(NAVIGATION) if item.url_name == "people:me")
        NAVIGATION[position:position] = [
            NavItem(
                _("Activity records"),
                "activities:activity-list",
                "calendar-event",
                "activities.view_activity",
            ),
            NavItem(
                _("Mediation cases"),
                "activities:case-list",
                "people-fill",
                "activities.view_mediationcase",
                True,
            ),
            NavItem(
                _("Mediators"), "activities:mediator-list", "person-badge", "activities.view_mediator", True
            ),
            NavItem(_("Councils"), "activities:council-list", "bank", "activities.view_council", True),
            NavItem(
                _("Satisfaction"), "activities:satisfaction", "emoji-smile", "activities.view_activity", True
            ),
        ]
        PROVIDERS.extend(todos.PROVIDERS)
