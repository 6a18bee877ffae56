from django.apps import AppConfig


class PartnershipPortalConfig(AppConfig):
    name = "partnership_portal"
    verbose_name = "Partnership Portal"

    def ready(self):
        from toolkit.page_cache import connect_signals

        connect_signals()
