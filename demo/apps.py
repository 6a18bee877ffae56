from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Owns the ``load_demo`` command; has no models."""

    name = "demo"
    verbose_name = "Demo data"
