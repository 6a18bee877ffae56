"""Emails that follow a change however it is saved (the admin's form, a script, a shell).

A meeting whose time, place or status changes tells the people registered;
a paper added to a published agenda tells the members. Both only enqueue,
after the transaction commits.
"""

from django.db.models.signals import post_save, pre_save

from . import tasks
from .models import Meeting, Paper

# What people registered for a meeting are told about, in words.
WATCHED = {"start": "time", "end": "time", "venue": "venue", "format": "format", "status": "status"}


def _before_meeting_saved(sender, instance, **kwargs):
    if instance.pk is None or instance.published_at is None:
        instance._changes = []
        return
    old = Meeting.objects.filter(pk=instance.pk).values(*WATCHED).first()
    if old is None:
        instance._changes = []
        return
    changes = []
    for field, label in WATCHED.items():
        if old[field] != getattr(instance, field) and label not in changes:
            changes.append(label)
    # A meeting marked held is not news for the people who came.
    if changes == ["status"] and instance.status != Meeting.Status.CANCELLED:
        changes = []
    instance._changes = changes


def _after_meeting_saved(sender, instance, created, **kwargs):
    changes = getattr(instance, "_changes", [])
    if changes and not created:
        tasks.enqueue_after_commit(tasks.meeting_changed, instance.pk, changes)


def _after_paper_saved(sender, instance, created, **kwargs):
    if created:
        tasks.enqueue_after_commit(tasks.paper_added, instance.pk)


def connect_signals():
    pre_save.connect(_before_meeting_saved, sender=Meeting, dispatch_uid="meetings.meeting_changes")
    post_save.connect(_after_meeting_saved, sender=Meeting, dispatch_uid="meetings.meeting_changed")
    post_save.connect(_after_paper_saved, sender=Paper, dispatch_uid="meetings.paper_added")
