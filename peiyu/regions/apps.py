from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegionsConfig(AppConfig):
    name = "peiyu.regions"
    label = "regions"
    verbose_name = _("Regions")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.regions.models import Region

        auditlog.register(Region, exclude_fields=["updated_at"])
