"""The project app has no models; this module makes Django send it post_migrate."""
