from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "peiyu.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        from peiyu.core import signals  # noqa: F401  (login audit receivers)
