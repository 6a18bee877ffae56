"""A member claims: choosing the meeting, the deadline, time and expenses, saving, submitting, resubmitting."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from meetings.models import Attendance
from reimbursement import selectors, services
from reimbursement.forms import MAX_LINES
from reimbursement.models import Claim, ClaimLine, Receipt
from tests.factories import attend, make_meeting, page_text

from .conftest import bus, held_meeting_days_ago, make_claim, messages_of, png_upload

D = Decimal


def line_data(index, **fields):
    return {f"lines-{index}-{key}": value for key, value in fields.items()}


def management(total, initial=0):
    return {
        "lines-TOTAL_FORMS": str(total),
        "lines-INITIAL_FORMS": str(initial),
        "lines-MIN_NUM_FORMS": "0",
        "lines-MAX_NUM_FORMS": "15",
    }


def current_version(claim):
    """The claim's version as a form opened now would carry it."""
    return str(Claim.objects.values_list("version", flat=True).get(pk=claim.pk))


def edit_post(client, claim, action="save", lines=(), initial=0, **fields):
    data = {
        "meeting_hours": "2",
        "preparation_hours": "1",
        "action": action,
        "version": current_version(claim),
        **management(len(lines), initial),
    }
    for index, line in enumerate(lines):
        data.update(line_data(index, **line))
    data.update(fields)
    return client.post(reverse("claim_edit", args=[claim.pk]), data)


# --- Choosing the meeting -----------------------------------------------------------------------


def test_new_claim_offers_only_attended_unclaimed_meetings_within_the_deadline(
    client, member, other_member, policy, partnership
):
    attended = held_meeting_days_ago(partnership, 3, title="Attended and open")
    claimed = held_meeting_days_ago(partnership, 4, title="Already claimed")
    apologies = held_meeting_days_ago(partnership, 5, title="Sent apologies")
    too_late = held_meeting_days_ago(partnership, 45, title="Too late")
    someone_elses = held_meeting_days_ago(partnership, 6, title="Someone else's")
    upcoming = make_meeting(partnership, title="Not yet held")
    attend(attended, member.participant)
    make_claim(member, claimed)
    attend(apologies, member.participant, status=Attendance.Status.APOLOGIES)
    attend(too_late, member.participant)
    attend(someone_elses, other_member.participant)
    attend(upcoming, member.participant, status=Attendance.Status.REGISTERED)

    client.force_login(member)
    response = client.get(reverse("claim_new"))
    choices = dict(response.context["form"].fields["attendance"].choices)
    assert [label.split(",")[0] for label in choices.values()] == ["Attended and open"]
    text = page_text(response)
    deadline = too_late.local_date + datetime.timedelta(days=30)
    assert f"was {deadline.day} {deadline:%B %Y}" in text


def test_starting_a_claim_makes_a_draft_with_the_meeting_length(client, member, policy, recent_meeting):
    client.force_login(member)
    attendance = recent_meeting.attendances.get(participant=member.participant)
    response = client.post(reverse("claim_new"), {"attendance": attendance.pk})
    claim = Claim.objects.get()
    assert response.status_code == 302 and response.url == reverse("claim_edit", args=[claim.pk])
    assert claim.status == Claim.Status.DRAFT and claim.claimant == member.participant
    assert claim.meeting_hours == D("2.00") and claim.policy == policy and claim.hourly_rate == D("25.00")
    assert any("draft claim" in m for m in messages_of(response))


def test_a_claim_after_the_deadline_is_refused_with_a_message_naming_the_deadline(client, member, policy, partnership):
    meeting = held_meeting_days_ago(partnership, 31, title="Old meeting")
    attendance = attend(meeting, member.participant)
    deadline = meeting.local_date + datetime.timedelta(days=30)
    client.force_login(member)
    response = client.post(reverse("claim_new"), {"attendance": attendance.pk})
    assert response.status_code == 200
    error = " ".join(response.context["form"].errors["attendance"])
    assert f"The deadline for claims for Old meeting on {meeting.local_date.day}" in error
    assert f"was {deadline.day} {deadline:%B %Y}" in error
    assert not Claim.objects.exists()
    with pytest.raises(services.ClaimRefused, match=f"was {deadline.day} {deadline:%B %Y}"):
        services.start_claim(member.participant, attendance.pk, by=member)


def test_the_deadline_day_itself_is_still_open(member, policy, partnership):
    meeting = held_meeting_days_ago(partnership, 30)
    attendance = attend(meeting, member.participant)
    assert services.start_claim(member.participant, attendance.pk, by=member).status == Claim.Status.DRAFT


def test_a_draft_cannot_be_submitted_after_the_deadline(member, policy, partnership):
    meeting = held_meeting_days_ago(partnership, 20)
    claim = make_claim(member, meeting)
    later = meeting.start + datetime.timedelta(days=32)
    with pytest.raises(services.ClaimRefused, match="The deadline for claims"):
        services.submit_claim(claim.pk, by=member, declared=True, now=later)
    assert Claim.objects.get().status == Claim.Status.DRAFT


def test_member_cannot_claim_for_someone_elses_attendance(client, member, other_member, policy, recent_meeting):
    theirs = recent_meeting.attendances.get(participant=other_member.participant)
    client.force_login(member)
    response = client.post(reverse("claim_new"), {"attendance": theirs.pk})
    assert response.status_code == 200 and "attendance" in response.context["form"].errors
    with pytest.raises(services.ClaimRefused):
        services.start_claim(member.participant, theirs.pk, by=member)
    assert not Claim.objects.exists()


def test_system_staff_cannot_claim(member, policy, recent_meeting):
    attendance = recent_meeting.attendances.get(participant=member.participant)
    Attendance.objects.filter(pk=attendance.pk).update(counts_as_staff=True)
    assert selectors.claim_options(member.participant) == []
    with pytest.raises(services.ClaimRefused):
        services.start_claim(member.participant, attendance.pk, by=member)


def test_one_claim_per_attendance_is_a_database_constraint(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting)
    with pytest.raises(services.ClaimRefused, match="already"):
        services.start_claim(member.participant, claim.attendance_id, by=member)
    duplicate = Claim(claimant=claim.claimant, attendance=claim.attendance, policy=claim.policy)
    with pytest.raises(IntegrityError), transaction.atomic():
        duplicate.save()


def test_no_policy_means_nothing_to_claim(client, member, partnership):
    meeting = held_meeting_days_ago(partnership, 2)
    attendance = attend(meeting, member.participant)
    client.force_login(member)
    response = client.get(reverse("claim_new"))
    assert "had no payment policy" in page_text(response)
    with pytest.raises(services.ClaimRefused, match="no payment policy"):
        services.start_claim(member.participant, attendance.pk, by=member)


# --- Time, expenses and receipts ---------------------------------------------------------------


def test_member_saves_time_and_expenses_and_the_total_is_worked_out(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    client.get(reverse("claim_edit", args=[claim.pk]))
    response = client.post(
        reverse("claim_edit", args=[claim.pk]),
        {
            "meeting_hours": "2",
            "preparation_hours": "3",  # capped at 2 by the policy
            "action": "save",
            "total": "9999.99",  # ignored: nobody types the total
            "version": current_version(claim),
            **management(3),
            **line_data(0, category="mileage", miles="10", passengers="1", amount="500"),
            **line_data(1, category="public_transport", amount="4.80", description="Bus", receipt=png_upload()),
            **line_data(2, category="taxi", amount="12.35", taxi_reason="No step-free bus"),
        },
    )
    assert response.status_code == 302, response.context and response.context["formset"].errors
    claim.refresh_from_db()
    amounts = {line.category: line.amount for line in claim.lines.all()}
    assert amounts == {"mileage": D("5.00"), "public_transport": D("4.80"), "taxi": D("12.35")}
    # 2 h + 2 h preparation (capped) at £25 = £100, capped at the £75 half day.
    assert claim.time_payment == D("75.00")
    assert claim.total == D("97.15")
    assert Receipt.objects.filter(claim=claim).count() == 1
    assert any("saved as a draft" in m for m in messages_of(response))


@pytest.mark.parametrize(
    "line, field",
    [
        ({"category": "taxi", "amount": "12.00"}, "taxi_reason"),
        ({"category": "mileage"}, "miles"),
        ({"category": "parking"}, "amount"),
        ({"category": "parking", "amount": "-3"}, "amount"),
        ({"category": "mileage", "miles": "5000"}, "miles"),
        ({"category": "lottery", "amount": "3"}, "category"),
        ({"category": "parking", "amount": "three pounds"}, "amount"),
        ({"category": "parking", "amount": "3", "description": "x" * 201}, "description"),
        ({"category": "mileage", "miles": "-4"}, "miles"),
    ],
)
def test_bad_expense_lines_get_a_message_beside_the_field_and_change_nothing(
    client, member, policy, recent_meeting, line, field
):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = edit_post(client, claim, lines=[line])
    assert response.status_code == 200
    assert field in response.context["formset"].forms[0].errors
    assert 'class="invalid-feedback' in page_text(response)
    assert not ClaimLine.objects.exists()


def test_category_the_policy_does_not_allow_is_not_offered(client, member, partnership, recent_meeting):
    from .conftest import make_policy

    make_policy(partnership, allows_taxi=False, allows_subsistence=False)
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = client.get(reverse("claim_edit", args=[claim.pk]))
    offered = dict(response.context["formset"].forms[0].fields["category"].choices)
    assert "taxi" not in offered and "mileage" in offered
    response = edit_post(client, claim, lines=[{"category": "taxi", "amount": "10", "taxi_reason": "x"}])
    assert "category" in response.context["formset"].forms[0].errors


def test_preparation_field_only_when_the_policy_pays_it(client, member, partnership, recent_meeting):
    from .conftest import make_policy

    make_policy(partnership, preparation_paid=False)
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = client.get(reverse("claim_edit", args=[claim.pk]))
    assert "preparation_hours" not in response.context["form"].fields


def test_removing_a_line_deletes_it_and_its_receipt(
    client, member, policy, recent_meeting, django_capture_on_commit_callbacks
):
    claim = make_claim(member, recent_meeting)
    line = claim.lines.get()
    stored = Receipt.objects.get().file.name
    client.force_login(member)
    with django_capture_on_commit_callbacks(execute=True):
        response = edit_post(
            client,
            claim,
            lines=[{"id": line.pk, "category": "public_transport", "amount": "4.80", "DELETE": "on"}],
            initial=1,
        )
    assert response.status_code == 302
    assert not ClaimLine.objects.exists() and not Receipt.objects.exists()
    from django.core.files.storage import default_storage

    assert not default_storage.exists(stored)
    claim.refresh_from_db()
    assert claim.expenses_total == D("0.00")


def test_the_same_edit_posted_twice_adds_its_lines_once(client, member, policy, recent_meeting):
    """A double click, a refresh that sends the form again, or a second tab: the form is from an older state."""
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    form = client.get(reverse("claim_edit", args=[claim.pk]))
    version = form.context["form"]["version"].value()
    assert f'name="version" value="{version}"' in form.content.decode()
    data = {
        "meeting_hours": "2",
        "preparation_hours": "0",
        "action": "save",
        "version": version,
        **management(2),
        **line_data(0, category="mileage", miles="10"),
        **line_data(1, category="parking", amount="6.00"),
    }
    first = client.post(reverse("claim_edit", args=[claim.pk]), {**data, **line_data(1, receipt=png_upload())})
    assert first.status_code == 302
    again = client.post(reverse("claim_edit", args=[claim.pk]), {**data, **line_data(1, receipt=png_upload())})
    assert again.status_code == 302 and again.url == reverse("claim_edit", args=[claim.pk])
    assert "This claim changed since you opened it: check it and try again." in messages_of(again)
    claim.refresh_from_db()
    assert claim.lines.count() == 2 and Receipt.objects.filter(claim=claim).count() == 1
    assert claim.expenses_total == D("10.50")
    # The page it goes back to shows the claim as it now is, ready to change again.
    page = client.get(again.url)
    assert page.context["form"]["version"].value() == claim.version


def test_the_service_refuses_a_change_made_from_an_older_version(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    opened = claim.version
    change = {"by": member, "meeting_hours": D("2"), "preparation_hours": D("0"), "payment_declined": False}
    services.update_claim(claim.pk, version=opened, lines=[bus(receipt=False)], **change)
    with pytest.raises(services.ClaimRefused, match="This claim changed since you opened it"):
        services.update_claim(claim.pk, version=opened, lines=[bus(receipt=False)], **change)
    assert ClaimLine.objects.filter(claim=claim).count() == 1


@pytest.mark.parametrize("version", ["", "abc", "²", "-1", "9" * 30])
def test_a_form_without_its_version_changes_nothing(client, member, policy, recent_meeting, version):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = edit_post(client, claim, lines=[{"category": "mileage", "miles": "3"}], version=version)
    assert response.status_code == 302
    assert "This claim changed since you opened it: check it and try again." in messages_of(response)
    assert not ClaimLine.objects.exists()


# --- No worker tied up by a form: TOTAL_FORMS above the maximum builds no line form --------------

HUGE = "100000000"


@pytest.fixture
def lines_built(monkeypatch):
    """Every expense line form built during the test."""
    from reimbursement.forms import ClaimLineForm

    built, original = [], ClaimLineForm.__init__

    def init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(ClaimLineForm, "__init__", init)
    return built


@pytest.mark.parametrize("total", [HUGE, str(MAX_LINES + 1)])
def test_claim_lines_above_the_maximum_build_no_form_and_change_nothing(
    client, member, policy, recent_meeting, lines_built, total
):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    url = reverse("claim_edit", args=[claim.pk])
    data = {
        "meeting_hours": "2",
        "preparation_hours": "0",
        "action": "save",
        "version": str(claim.version),
        "lines-TOTAL_FORMS": total,
        "lines-INITIAL_FORMS": "0",
        "lines-0-category": "mileage",
        "lines-0-miles": "4",
    }
    response = client.post(url, data)
    assert lines_built == []
    assert response.status_code == 302 and response.url == url
    assert f"A claim can have at most {MAX_LINES} expense lines." in " ".join(messages_of(response))
    assert not ClaimLine.objects.exists()
    claim.refresh_from_db()
    assert claim.version == int(data["version"])


def test_a_claim_of_the_maximum_lines_is_still_accepted(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    data = {
        "meeting_hours": "2",
        "preparation_hours": "0",
        "action": "save",
        "version": str(claim.version),
        "lines-TOTAL_FORMS": str(MAX_LINES),
        "lines-INITIAL_FORMS": "0",
    }
    for index in range(MAX_LINES):
        data.update({f"lines-{index}-category": "mileage", f"lines-{index}-miles": "1"})
    assert client.post(reverse("claim_edit", args=[claim.pk]), data).status_code == 302
    assert ClaimLine.objects.filter(claim=claim).count() == MAX_LINES


# --- Submitting --------------------------------------------------------------------------------


def test_submitting_needs_the_declaration(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = edit_post(client, claim, action="submit")
    assert response.status_code == 200
    assert "declaration" in response.context["form"].errors
    assert Claim.objects.get().status == Claim.Status.DRAFT


def test_submitting_needs_a_receipt_where_the_policy_asks_for_one(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    response = edit_post(
        client, claim, action="submit", declaration="on", lines=[{"category": "parking", "amount": "6.00"}]
    )
    assert response.status_code == 200
    assert "receipt" in response.context["formset"].forms[0].errors
    assert Claim.objects.get().status == Claim.Status.DRAFT
    # Mileage never needs one.
    response = edit_post(
        client, claim, action="submit", declaration="on", lines=[{"category": "mileage", "miles": "12"}]
    )
    assert response.status_code == 302
    assert Claim.objects.get().status == Claim.Status.SUBMITTED


def test_the_service_also_refuses_a_missing_receipt(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[bus(receipt=False)])
    with pytest.raises(services.ClaimRefused, match="Add a receipt"):
        services.submit_claim(claim.pk, by=member, declared=True)


def test_member_submits_and_sees_it_waiting(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting)
    client.force_login(member)
    response = edit_post(client, claim, action="submit", declaration="on", lines=[], preparation_hours="0")
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED and claim.submitted_at and claim.declared_at
    assert any("submitted" in m for m in messages_of(response))
    page = page_text(client.get(reverse("claim_detail", args=[claim.pk])))
    assert "Submitted" in page and "Mina Member" in page


def test_nothing_to_pay_is_refused(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, declined=True, lines=[])
    with pytest.raises(services.ClaimRefused, match="nothing to pay"):
        services.submit_claim(claim.pk, by=member, declared=True)


def test_a_submitted_claim_cannot_be_edited(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    client.force_login(member)
    response = edit_post(client, claim, meeting_hours="9")
    assert response.status_code == 302 and response.url == claim.get_absolute_url()
    assert any("can no longer be changed" in m for m in messages_of(response))
    claim.refresh_from_db()
    assert claim.meeting_hours == D("2.00")
    with pytest.raises(services.ClaimRefused, match="submitted, so it can no longer be changed"):
        services.update_claim(
            claim.pk,
            by=member,
            version=claim.version,
            meeting_hours=D("9"),
            preparation_hours=D("0"),
            payment_declined=False,
        )


def test_submitting_twice_has_no_second_effect(member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, Claim.Status.SUBMITTED)
    assert services.submit_claim(claim.pk, by=member, declared=True) is False
    assert claim.history.filter(status=Claim.Status.SUBMITTED).count() == 1


def test_rejected_claim_is_corrected_and_resubmitted_after_the_deadline(client, member, finance, policy, partnership):
    meeting = held_meeting_days_ago(partnership, 25)
    claim = make_claim(member, meeting, Claim.Status.REJECTED, by=finance)
    client.force_login(member)
    page = page_text(client.get(reverse("claim_detail", args=[claim.pk])))
    assert "The receipt is for another day." in page
    later = meeting.start + datetime.timedelta(days=40)  # past the deadline: it was in on time
    line = claim.lines.get()
    services.update_claim(
        claim.pk,
        by=member,
        version=claim.version,
        meeting_hours=D("2"),
        preparation_hours=D("0"),
        payment_declined=False,
        lines=[services.LineChange(line=line, category=line.category, amount=D("3.90"), receipt=png_upload())],
        now=later,
    )
    assert services.submit_claim(claim.pk, by=member, declared=True, now=later) is True
    claim.refresh_from_db()
    assert claim.status == Claim.Status.SUBMITTED and claim.rejection_reason == "" and claim.total == D("53.90")
    labels = [change.label for change in claim.status_history()]
    assert labels == ["Draft started", "Submitted", "Sent back", "Corrected and resubmitted"]
    history = client.get(reverse("claim_detail", args=[claim.pk])).context["history"]
    assert history[2].reason == "The receipt is for another day." and history[2].by == finance


def test_member_deletes_a_draft_but_not_a_submitted_claim(client, member, policy, recent_meeting, partnership):
    draft = make_claim(member, recent_meeting)
    client.force_login(member)
    response = client.post(reverse("claim_delete", args=[draft.pk]))
    assert response.status_code == 302 and not Claim.objects.filter(pk=draft.pk).exists()
    assert not Receipt.objects.exists()
    other = held_meeting_days_ago(partnership, 2)
    submitted = make_claim(member, other, Claim.Status.SUBMITTED)
    response = client.post(reverse("claim_delete", args=[submitted.pk]))
    assert Claim.objects.filter(pk=submitted.pk).exists()
    assert any("Only a draft" in m for m in messages_of(response))


def test_claim_list_shows_own_claims_only_with_an_empty_state(client, member, other_member, claims, staff_user):
    client.force_login(member)
    response = client.get(reverse("claim_list"))
    assert [c.pk for c in response.context["claims"]] == [claims["member"].pk]
    client.force_login(staff_user)
    assert "You have not made any claims yet" in page_text(client.get(reverse("claim_list")))


def test_policy_page_explains_rates_benefits_and_receipts(client, policy):
    text = page_text(client.get(reverse("claim_policy")))
    assert "£25.00 an hour, up to £75.00 for a half day (up to 4 hours) and £150.00 for a full day" in text
    assert "45p a mile" in text and "5p a mile for each passenger" in text
    assert "Vouchers still count as income" in text
    assert "Expenses paid back against receipts (travel, parking, care) are not income" in text
    assert "https://advice.example.org/benefits" in text
    assert "Claim within 30 days of the meeting" in text and "except mileage" in text


def test_html_in_an_expense_description_is_shown_escaped(client, member, policy, recent_meeting):
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    script = "<script>alert('x')</script>"
    edit_post(client, claim, lines=[{"category": "mileage", "miles": "4", "description": script}])
    assert ClaimLine.objects.get(claim=claim).description == script
    page = client.get(reverse("claim_detail", args=[claim.pk])).content.decode()
    assert script not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_preparation_help_says_one_hour_in_the_singular(client, member, partnership, recent_meeting):
    from .conftest import make_policy

    make_policy(partnership, preparation_cap_hours=D("1"))
    claim = make_claim(member, recent_meeting, lines=[])
    client.force_login(member)
    text = page_text(client.get(reverse("claim_edit", args=[claim.pk])))
    assert "Up to 1 hour is paid." in text and "1 hours" not in text
