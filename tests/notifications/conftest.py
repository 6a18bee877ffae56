"""Fixtures for messages: run what the services leave for after commit, and read the mail that went."""

import pytest


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """``with committed():`` runs what the block leaves for after commit (the sends, with the immediate backend)."""

    def run():
        return django_capture_on_commit_callbacks(execute=True)

    return run


def html_of(message):
    """The HTML alternative of a sent message."""
    (html, mimetype) = message.alternatives[0]
    assert mimetype == "text/html"
    return html


def to_one(mailoutbox, address):
    """The messages sent to ``address``; each must have gone to that address alone."""
    found = [message for message in mailoutbox if address in message.to]
    for message in found:
        assert message.to == [address] and not message.cc and not message.bcc
    return found
