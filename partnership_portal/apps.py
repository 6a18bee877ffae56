from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PartnershipPortalConfig(AppConfig):
    name = "partnership_portal"
    verbose_name = "Partnership Portal"

    def ready(self):
        from toolkit.page_cache import connect_signals

        from .roles import sync_role_permissions

        post_migrate.connect(sync_role_permissions, sender=self)
        connect_signals()
