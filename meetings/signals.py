"""What meetings tell the rest of the portal (notifications), each sent once the transaction commits.

``meeting_published`` is sent once a meeting's agenda is published, so a receiver reads the
published meeting: the hook where "agenda published" notifications are sent. Sent with
``sender=Meeting``, ``meeting`` and ``by`` (who published it, or None for a command).

``topic_status_changed`` is sent with ``topic`` and ``change`` (the ``TopicStatusChange``) after a
topic's status changed: the proposer and supporters are to be told.
"""

from django.dispatch import Signal

meeting_published = Signal()
topic_status_changed = Signal()
