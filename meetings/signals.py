"""What meetings tell the rest of the portal (notifications), each sent once the transaction commits.

``meeting_published`` is sent once a meeting's agenda is published, so a receiver reads the
published meeting: the hook where "agenda published" notifications are sent. Sent with
``sender=Meeting``, ``meeting`` and ``by`` (who published it, or None for a command).

``topic_status_changed`` is sent with ``topic`` and ``change`` (the ``TopicStatusChange``) after a
topic's status changed: the proposer and supporters are to be told.

``send_on_commit`` is how the services send them; inside ``muted()`` (loading the demo) nothing
is sent: whether to send is decided when the change is made, not when the transaction commits.
"""

import contextlib
import contextvars

from django.db import transaction
from django.dispatch import Signal

meeting_published = Signal()
topic_status_changed = Signal()

_muted = contextvars.ContextVar("meetings_signals_muted", default=False)


@contextlib.contextmanager
def muted():
    """Changes made inside the block send no signal (and so tell no one): for loading the demo."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def is_muted() -> bool:
    return _muted.get()


def send_on_commit(signal: Signal, sender, **kwargs) -> None:
    """Send ``signal`` once the current transaction commits, unless inside ``muted()``."""
    if is_muted():
        return
    transaction.on_commit(lambda: signal.send(sender=sender, **kwargs))
