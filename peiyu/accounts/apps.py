from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_roles(**kwargs: Any) -> None:
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    from peiyu.accounts.roles import sync_roles

    using = kwargs.get("using", "default")
    # post_migrate reaches apps in order; make sure every app's permissions exist first.
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles(using=using)


class AccountsConfig(AppConfig):
    name = "peiyu.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from peiyu.accounts.models import ApiToken, User

        # Roles need the permissions, which exist only after migrate: sync them then.
        post_migrate.connect(_sync_roles, sender=self, dispatch_uid="peiyu-sync-roles")
        auditlog.register(
            User,
            exclude_fields=["password", "last_login", "updated_at"],
            mask_fields=["phone", "email"],
            m2m_fields={"groups"},
        )
        auditlog.register(ApiToken, exclude_fields=["token_hash", "last_used_at"])
