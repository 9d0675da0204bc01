from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class FundingConfig(AppConfig):
    name = "peiyu.funding"
    verbose_name = _("Funding")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.core.navigation import NAVIGATION, NavItem
        from peiyu.core.todos import PROVIDERS
        from peiyu.funding import models, options, todos  # noqa: F401 - options register themselves

        auditlog.register(models.Need, exclude_fields=["version"], mask_fields=["contact"])
        auditlog.register(models.CatalogItem, exclude_fields=["version"], m2m_fields={"needs"})
        auditlog.register(models.Project, exclude_fields=["version"])
        auditlog.register(models.Round, exclude_fields=["version"], m2m_fields={"catalog_items", "fields"})
        auditlog.register(models.FundSource)
        auditlog.register(models.Criterion)
        auditlog.register(models.Application, exclude_fields=["version"])
        auditlog.register(models.BudgetLine)
        auditlog.register(models.Output)
        auditlog.register(models.Draw, exclude_fields=["pool"])
        auditlog.register(models.Assignment, exclude_fields=["version"])
        auditlog.register(models.ReviewScore)
        auditlog.register(models.Objection, mask_fields=["contact"])
        auditlog.register(models.Contract, exclude_fields=["version", "feedback_token"])
        auditlog.register(models.Tranche, exclude_fields=["version"])
        auditlog.register(models.Evaluation)
        auditlog.register(models.ProgressReport)
        auditlog.register(models.CaseSubsidy, exclude_fields=["version"])
        position = next(i for i, item in enumerate(NAVIGATION) if item.url_name == "people:me")
        NAVIGATION[position:position] = [
            NavItem(_("Needs"), "funding:need-list", "megaphone", "funding.view_need"),
            NavItem(
                _("Procurement catalog"), "funding:catalog-list", "list-check", "funding.view_catalogitem"
            ),
            NavItem(_("Project library"), "funding:project-list", "collection", "funding.view_project"),
            NavItem(_("Funding rounds"), "funding:round-list", "trophy", "funding.view_round"),
            NavItem(
                pgettext_lazy("funding application", "Applications"),
                "funding:application-list",
                "file-earmark-text",
                "funding.view_application",
            ),
            NavItem(_("My reviews"), "funding:review-list", "clipboard-check", "funding.add_reviewscore"),
            NavItem(_("Contracts"), "funding:contract-list", "file-earmark-check", "funding.view_contract"),
            NavItem(
                _("Mediation subsidies"),
                "funding:case-subsidy-list",
                "cash-stack",
                "funding.view_casesubsidy",
            ),
        ]
        PROVIDERS.extend(todos.PROVIDERS)
