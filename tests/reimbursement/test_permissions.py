"""Who may open each claims URL, with both members' claims: an id in a URL grants nothing by itself.

Member A never sees, edits, deletes or downloads anything of member B's claim: every such
request is a 404, as if the claim did not exist. Approvers see claims once submitted,
never drafts. Only finance runs payments.
"""

import pytest
from django.urls import reverse

from reimbursement.models import Claim, Receipt
from tests.conftest import ROLES

from .conftest import held_meeting_days_ago, make_claim

LOGIN = "login"
OK, FOUND, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405

# Pages without an id.                   anonymous  member     other_member staff      chair      finance
PAGES = {
    "claim_policy":                      (OK,        OK,        OK,          OK,        OK,        OK),
    "claim_list":                        (LOGIN,     OK,        OK,          OK,        OK,        OK),
    "claim_new":                         (LOGIN,     OK,        OK,          FORBIDDEN, FORBIDDEN, FORBIDDEN),
    "finance_queue":                     (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK),
    "payment_run":                       (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, FORBIDDEN, OK),
    "payment_run_csv":                   (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, FORBIDDEN, OK),
    "claim_year_summary":                (LOGIN,     FORBIDDEN, FORBIDDEN,   FORBIDDEN, OK,        OK),
}  # fmt: skip

# Pages of one claim, for the claim's OWNER and for the OTHER member, with the claim in the given state.
#                            state        anonymous  owner      other      staff      chair        finance
BY_ID = [
    ("claim_detail",        "submitted", LOGIN,     OK,        NOT_FOUND, NOT_FOUND, OK,          OK),
    ("claim_detail",        "draft",     LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND,   NOT_FOUND),
    ("claim_edit",          "draft",     LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND,   NOT_FOUND),
    ("claim_edit",          "submitted", LOGIN,     FOUND,     NOT_FOUND, NOT_FOUND, NOT_FOUND,   NOT_FOUND),
    ("claim_delete",        "draft",     LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND,   NOT_FOUND),
    ("receipt_download",    "submitted", LOGIN,     OK,        NOT_FOUND, NOT_FOUND, OK,          OK),
    ("receipt_download",    "draft",     LOGIN,     OK,        NOT_FOUND, NOT_FOUND, NOT_FOUND,   NOT_FOUND),
    ("claim_reject",        "submitted", LOGIN,     FORBIDDEN, FORBIDDEN, FORBIDDEN, OK,          OK),
    ("claim_approve",       "submitted", LOGIN,     FORBIDDEN, FORBIDDEN, FORBIDDEN, NOT_ALLOWED, NOT_ALLOWED),
]  # fmt: skip


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login") + "?next=")
    else:
        assert response.status_code == expected


@pytest.fixture
def world(policy, partnership, member, other_member, finance):
    """For each member, a submitted and a draft claim with a receipt each."""
    submitted_meeting = held_meeting_days_ago(partnership, 3, title="Submitted one")
    draft_meeting = held_meeting_days_ago(partnership, 2, title="Draft one")
    world = {}
    for role, user in (("member", member), ("other_member", other_member)):
        world[role] = {
            "submitted": make_claim(user, submitted_meeting, Claim.Status.SUBMITTED),
            "draft": make_claim(user, draft_meeting),
        }
    return world


@pytest.mark.parametrize("name", sorted(PAGES))
@pytest.mark.parametrize("role", ROLES)
def test_claims_pages_permission_matrix(client_for, world, name, role):
    check(client_for(role).get(reverse(name)), PAGES[name][ROLES.index(role)])


@pytest.mark.parametrize("role", ROLES)
def test_year_summary_file_permission_matrix(client_for, world, role):
    expected = (LOGIN, FORBIDDEN, FORBIDDEN, FORBIDDEN, OK, OK)[ROLES.index(role)]
    check(client_for(role).get(reverse("claim_year_summary_xlsx", args=["lewisham", 2026])), expected)


def url_for(name, claim):
    if name == "receipt_download":
        return reverse(name, args=[Receipt.objects.get(claim=claim).pk])
    return reverse(name, args=[claim.pk])


@pytest.mark.parametrize(
    "name, state, statuses",
    [(name, state, statuses) for name, state, *statuses in BY_ID],
    ids=[f"{name}-{state}" for name, state, *_ in BY_ID],
)
@pytest.mark.parametrize("owner", ["member", "other_member"])
@pytest.mark.parametrize("role", ROLES)
def test_claim_urls_with_both_members_ids(client_for, world, name, state, statuses, owner, role):
    claim = world[owner][state]
    if role == "anonymous":
        expected = statuses[0]
    elif role in ("member", "other_member"):
        expected = statuses[1] if role == owner else statuses[2]
    else:
        expected = statuses[ROLES.index(role)]
    check(client_for(role).get(url_for(name, claim)), expected)


@pytest.mark.parametrize("state", ["draft", "submitted"])
def test_member_cannot_change_or_delete_another_members_claim(client_for, world, state):
    theirs = world["other_member"][state]
    client = client_for("member")
    before = Claim.objects.get(pk=theirs.pk)
    data = {
        "meeting_hours": "9",
        "action": "submit",
        "declaration": "on",
        "version": before.version,
        "lines-TOTAL_FORMS": "0",
        "lines-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("claim_edit", args=[theirs.pk]), data).status_code == 404
    assert client.post(reverse("claim_delete", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("claim_approve", args=[theirs.pk])).status_code == 403
    assert client.post(reverse("claim_reject", args=[theirs.pk]), {"reason": "no"}).status_code == 403
    after = Claim.objects.get(pk=theirs.pk)
    assert (after.status, after.meeting_hours, after.total) == (before.status, before.meeting_hours, before.total)


def test_approvers_cannot_edit_a_members_claim(client_for, world):
    claim = world["member"]["submitted"]
    for role in ("chair", "finance"):
        response = client_for(role).post(reverse("claim_edit", args=[claim.pk]), {"meeting_hours": "9"})
        assert response.status_code == 404
