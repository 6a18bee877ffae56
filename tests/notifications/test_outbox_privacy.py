"""The outbox in the back office shows each person only what their role may read.

A claim's decision (its amount, the reason it was sent back) is for those who decide claims, not
for staff; a message carrying a link that acts for its recipient (set a password, confirm an
address) is shown to nobody, since whoever opened the link could act as them.
"""

import pytest
from django.urls import reverse

from engagement.notifications import kinds, services

pytestmark = pytest.mark.django_db

SECRET_LINK = "https://portal.example/reset/MQ/secret-token/"


def write(partnership, kind, key, body="a paper"):
    return services.notify(
        kind,
        services.Recipient(email="mina@example.org", name="Mina"),
        key=key,
        subject=f"About {kind}",
        template="meetings/email/paper_added",
        context={"paper": {"title": body, "is_public": True}, "meeting": {"title": "M"}},
        partnership=partnership,
    )


def listed_subjects(client, user):
    client.force_login(user)
    response = client.get(reverse("admin:notifications_notification_changelist"))
    assert response.status_code == 200
    return {subject for subject in ("About claim_decision", "About reminder") if subject in response.content.decode()}


def test_claim_decisions_are_shown_to_those_who_decide_claims_only(client, partnership, staff_user, chair, finance):
    decision = write(partnership, kinds.CLAIM_DECISION, "decision:1")
    write(partnership, kinds.REMINDER, "reminder:1")
    assert listed_subjects(client, staff_user) == {"About reminder"}
    assert listed_subjects(client, chair) == {"About claim_decision", "About reminder"}
    assert listed_subjects(client, finance) == {"About claim_decision"}
    client.force_login(staff_user)
    change = reverse("admin:notifications_notification_change", args=[decision.pk])
    assert client.get(change).status_code in (302, 404)  # not found for them, like another partnership's
    client.force_login(finance)
    assert client.get(change).status_code == 200


def test_a_message_with_a_personal_link_is_withheld_from_everyone_in_the_back_office(
    client, partnership, chair, admin_user
):
    secret = write(partnership, kinds.ACCOUNT, "account:1", body=SECRET_LINK)
    ordinary = write(partnership, kinds.REMINDER, "reminder:2", body="An ordinary paper")
    assert SECRET_LINK in secret.body_text  # the message itself carries it
    for user in (chair, admin_user):
        client.force_login(user)
        page = client.get(reverse("admin:notifications_notification_change", args=[secret.pk])).content.decode()
        assert SECRET_LINK not in page
        assert "Withheld" in page
        page = client.get(reverse("admin:notifications_notification_change", args=[ordinary.pk])).content.decode()
        assert "An ordinary paper" in page
