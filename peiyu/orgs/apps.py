from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "peiyu.orgs"
    verbose_name = _("Organization registry")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS
        from peiyu.orgs import models, todos

        auditlog.register(models.Field)
        auditlog.register(models.TargetGroup)
        auditlog.register(
            models.Organization,
            exclude_fields=["search_text", "updated_at", "version"],
            mask_fields=["leader_name", "leader_phone", "contact_name", "contact_phone"],
            m2m_fields={"activity_fields", "target_groups", "hubs"},
        )
        # The payload holds the proposed record, personal data included: it stays in the
        # application itself, the audit trail keeps only a masked trace of it.
        auditlog.register(
            models.Application,
            exclude_fields=["updated_at", "version"],
            mask_fields=["payload", "applicant_name", "applicant_phone"],
        )
        # After "Workbench": the registry is the first thing staff work in.
        NAVIGATION.insert(
            1, NavItem(_("Organizations"), "orgs:organization-list", "buildings", "orgs.view_organization")
        )
        NAVIGATION.insert(
            2, NavItem(_("Applications"), "orgs:application-list", "inbox", "orgs.view_application")
        )
        NAVIGATION.append(
            NavItem(_("Fields of activity"), "orgs:list-fields", "tags", "orgs.change_field", True)
        )
        PROVIDERS.append(todos.applications_to_decide)
        from peiyu.core.audit import ACCOUNT_REGIONS

        ACCOUNT_REGIONS.append(
            lambda user: (
                models.Organization.objects.filter(accounts=user).values_list("region_id", flat=True).first()
            )
        )
