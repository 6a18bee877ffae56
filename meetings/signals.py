"""Signals meetings sends, for other apps (notifications) to act on; sent once the transaction commits."""

from django.dispatch import Signal

# Sent with ``topic`` and ``change`` (the ``TopicStatusChange``) after a topic's status changed:
# the proposer and supporters are to be told (wired by the notifications app).
topic_status_changed = Signal()
