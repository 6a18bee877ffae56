"""What meetings tell the rest of the portal.

``meeting_published`` is sent once a meeting's agenda is published (after the
commit, so a receiver reads the published meeting): the hook where "agenda
published" notifications are sent. Sent with ``sender=Meeting``,
``meeting`` and ``by`` (who published it, or None for a command).
"""

from django.dispatch import Signal

meeting_published = Signal()
