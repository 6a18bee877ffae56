from django.apps import AppConfig
from django.db.models.signals import post_delete, post_init, post_save


class EngagementConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "engagement"

    def ready(self):
        """Keep ``Participant.has_attendance`` true to the attendances (``placing.py`` says why)."""
        from . import placing

        attendance = "meetings.Attendance"
        post_init.connect(placing.remember_participant, sender=attendance, dispatch_uid="placing-init")
        post_save.connect(placing.attendance_saved, sender=attendance, dispatch_uid="placing-save")
        post_delete.connect(placing.attendance_deleted, sender=attendance, dispatch_uid="placing-delete")
