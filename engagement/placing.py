"""Whether a person has an attendance anywhere, stored on them (``Participant.has_attendance``).

The back office's people list shows every office the people not yet placed anywhere (no attendance and
no role). Finding them by asking every attendance took a region's 225,000 rows for each page and its
count (issue 13); the stored flag, under a partial index, makes them a read of the few it is false for.

The flag follows the attendances: a new one sets it (one UPDATE, none when the person is known to have
one already), and deleting or moving one counts that one person's again, so someone whose last
attendance goes is seen by every office again, as before. Roles are not stored: memberships are a few
per user and are read as they are. Paths that write attendances without ``save()`` (``bulk_create``)
call ``recount`` on the people they touched.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef

# Where an attendance remembers the person it was loaded with, to see a move to someone else.
LOADED = "_placing_participant_id"


def recount(participants):
    """Set ``has_attendance`` on ``participants`` (a queryset) from their attendances, in one UPDATE."""
    attendances = apps.get_model("meetings", "Attendance").objects.filter(participant=OuterRef("pk"))
    return participants.update(has_attendance=Exists(attendances))


def _people(*participant_ids):
    return apps.get_model("engagement", "Participant").objects.filter(pk__in=participant_ids)


def remember_participant(sender, instance, **kwargs):
    """After an attendance is made or loaded: note its person (never read a deferred field to do it)."""
    instance.__dict__[LOADED] = instance.__dict__.get("participant_id")


def attendance_saved(sender, instance, created, **kwargs):
    """A new attendance places its person; one moved to someone else counts its old person again."""
    before = instance.__dict__.get(LOADED)
    now = instance.participant_id
    if not created and before == now:
        return
    instance.__dict__[LOADED] = now
    known = instance._state.fields_cache.get("participant")
    if not (known is not None and known.pk == now and known.has_attendance):
        _people(now).filter(has_attendance=False).update(has_attendance=True)
        if known is not None and known.pk == now:
            known.has_attendance = True
    if before is not None and before != now:
        recount(_people(before))


def attendance_deleted(sender, instance, **kwargs):
    """An attendance gone: its person keeps the flag only if another attendance is left."""
    recount(_people(instance.participant_id))
