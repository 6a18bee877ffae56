"""``Participant.has_attendance``: stored so the people list finds the unplaced without reading every attendance."""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q


def count_attendances(apps, schema_editor):
    """Everyone's flag from their attendances, in one UPDATE."""
    Participant = apps.get_model("engagement", "Participant")
    Attendance = apps.get_model("meetings", "Attendance")
    Participant.objects.update(has_attendance=Exists(Attendance.objects.filter(participant=OuterRef("pk"))))


class Migration(migrations.Migration):
    dependencies = [
        ("engagement", "0007_join_requests"),
        ("meetings", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="participant",
            name="has_attendance",
            field=models.BooleanField(default=False, editable=False),
        ),
        migrations.RunPython(count_attendances, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="participant",
            index=models.Index(condition=Q(has_attendance=False), fields=["id"], name="participant_no_attendance"),
        ),
    ]
