from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "peiyu.supervision"
    verbose_name = _("Supervision")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS
        from peiyu.supervision import models, options, todos  # noqa: F401 - options register themselves

        for model in (
            models.Campaign,
            models.AnnualReport,
            models.Sanction,
            models.Proposal,
            models.Listing,
            models.ChecklistItem,
            models.InspectionPlan,
            models.Visit,
            models.Finding,
            models.RectificationNotice,
            models.IndicatorSet,
            models.Indicator,
            models.GradeRound,
            models.GradeEntry,
            models.Score,
            models.Objection,
            models.Grade,
        ):
            auditlog.register(model, exclude_fields=["version"])
        auditlog.register(models.CitizenReport, exclude_fields=["version"], mask_fields=["contact"])
        position = next(i for i, item in enumerate(NAVIGATION) if item.url_name == "people:me")
        NAVIGATION[position:position] = [
            NavItem(
                _("Annual inspection"),
                "supervision:campaign-list",
                "clipboard-check",
                "supervision.view_campaign",
            ),
            NavItem(
                _("Proposals"), "supervision:proposal-list", "lightbulb", "supervision.view_proposal", True
            ),
            NavItem(
                _("Credit lists"),
                "supervision:listing-list",
                "exclamation-octagon",
                "supervision.view_listing",
                True,
            ),
            NavItem(
                _("On-site inspection"), "supervision:visit-list", "search", "supervision.view_visit", True
            ),
            NavItem(_("Grade evaluation"), "supervision:round-list", "award", "supervision.view_graderound"),
            NavItem(
                _("Citizen reports"),
                "supervision:citizenreport-list",
                "camera",
                "supervision.view_citizenreport",
                True,
            ),
            NavItem(
                _("Rectification notices"),
                "supervision:visit-list",
                "exclamation-triangle",
                "supervision.view_rectificationnotice",
                account_type="organization",
            ),
            NavItem(
                _("Evaluations to score"),
                "supervision:round-list",
                "award",
                "supervision.add_score",
                account_type="expert",
            ),
        ]
        NAVIGATION.append(
            NavItem(
                _("Inspection checklist"),
                "supervision:checklist",
                "list-check",
                "supervision.change_checklistitem",
                True,
            )
        )
        NAVIGATION.append(
            NavItem(
                _("Grade indicators"),
                "supervision:indicator-sets",
                "sliders2",
                "supervision.change_indicatorset",
                True,
            )
        )
        PROVIDERS.extend(todos.PROVIDERS)
