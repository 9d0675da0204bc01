from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "peiyu.people"
    verbose_name = _("People")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS
        from peiyu.people import models, options, todos  # noqa: F401 - options register themselves

        personal = ["id_number", "phone"]
        auditlog.register(models.Skill)
        auditlog.register(models.Team)
        auditlog.register(
            models.Volunteer,
            exclude_fields=["updated_at", "version", "approved_minutes", "star_level"],
            mask_fields=personal,
            m2m_fields={"skills", "teams"},
        )
        auditlog.register(models.Enrollment)
        auditlog.register(models.ServiceActivity, exclude_fields=["token"])
        auditlog.register(models.ServiceRecord, exclude_fields=["version"])
        auditlog.register(models.CheckIn)
        auditlog.register(models.Certificate, exclude_fields=["version", "content"])
        auditlog.register(models.SocialWorker, exclude_fields=["updated_at"], mask_fields=personal)
        auditlog.register(models.Training)
        auditlog.register(
            models.Expert, exclude_fields=["updated_at"], mask_fields=["phone"], m2m_fields={"fields"}
        )
        auditlog.register(models.Affiliation)
        auditlog.register(models.Engagement)
        auditlog.register(models.LegalAdviser, mask_fields=["phone"])
        auditlog.register(models.Assignment)
        auditlog.register(models.WorkLog)
        position = (
            next(i for i, item in enumerate(NAVIGATION) if item.url_name == "orgs:application-list") + 1
        )
        NAVIGATION[position:position] = [
            NavItem(_("My volunteer record"), "people:me", "person-heart", account_type="volunteer"),
            NavItem(_("My expert profile"), "people:expert-me", "mortarboard", account_type="expert"),
            NavItem(_("Volunteers"), "people:volunteer-list", "person-hearts", "people.view_volunteer", True),
            NavItem(_("Service hours"), "people:record-list", "clock-history", "people.view_servicerecord"),
            NavItem(
                _("Volunteer activities"), "people:activity-list", "qr-code", "people.view_serviceactivity"
            ),
            NavItem(
                _("Social workers"),
                "people:socialworker-list",
                "person-workspace",
                "people.view_socialworker",
                True,
            ),
            NavItem(_("Expert pool"), "people:expert-list", "mortarboard", "people.view_expert", True),
            NavItem(
                _("Legal advisers"), "people:adviser-list", "briefcase", "people.view_legaladviser", True
            ),
        ]
        NAVIGATION.append(
            NavItem(_("Local settings"), "core:option-list", "sliders", "core.change_optionvalue", True)
        )
        from peiyu.core.audit import ACCOUNT_REGIONS

        ACCOUNT_REGIONS.append(models.region_of_person_account)
        PROVIDERS.append(todos.hours_to_decide)
        PROVIDERS.append(todos.certificates_to_issue)
