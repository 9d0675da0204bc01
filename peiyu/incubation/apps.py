from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IncubationConfig(AppConfig):
    name = "peiyu.incubation"
    verbose_name = _("Incubation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS
        from peiyu.incubation import models, options, services, todos  # noqa: F401 - options register themselves
        from peiyu.orgs.services import DECISION_LISTENERS

        auditlog.register(
            models.Incubator, exclude_fields=["version", "updated_at"], m2m_fields={"accounts", "fields"}
        )
        auditlog.register(models.StaffMember, mask_fields=["phone"])
        auditlog.register(models.Criterion)
        auditlog.register(models.Dimension)
        auditlog.register(models.Call, exclude_fields=["version"])
        auditlog.register(models.IntakeApplication, exclude_fields=["version"], mask_fields=["contact_phone"])
        auditlog.register(models.Review)
        auditlog.register(models.Residency, exclude_fields=["version"])
        auditlog.register(models.Extension, exclude_fields=["version"])
        auditlog.register(models.TrainingEvent)
        auditlog.register(models.Service)
        auditlog.register(models.Assessment)
        auditlog.register(models.Subsidy, exclude_fields=["version"])
        position = next(i for i, item in enumerate(NAVIGATION) if item.url_name == "people:me")
        NAVIGATION[position:position] = [
            NavItem(_("Incubators"), "incubation:incubator-list", "house-heart", "incubation.view_incubator"),
            NavItem(
                _("Intake applications"),
                "incubation:intake-list",
                "inbox",
                "incubation.view_intakeapplication",
            ),
            NavItem(_("Residents"), "incubation:residency-list", "people", "incubation.view_residency"),
            NavItem(_("Training events"), "incubation:event-list", "easel", "incubation.view_trainingevent"),
            NavItem(_("Subsidies"), "incubation:subsidy-list", "cash-coin", "incubation.view_subsidy"),
        ]
        DECISION_LISTENERS.append(services.graduation.follow_application)
        PROVIDERS.extend(todos.PROVIDERS)
