"""The demo priorities are the Lancashire and South Cumbria flipchart, word for word."""

from django.core.management import call_command

from demo import priorities as demo
from demo.management.commands.load_demo import LOADERS
from priorities.models import Action, ActionUpdate, Priority
from priorities.services import add_action_note

SEED_PRIORITIES = {
    1: (
        "VCFS as a primary partner",
        ["Prove the value of the existing impact that the VCFS in Chorley is having."],
        [
            "Work towards an integrated system.",
            "Shift towards prevention work and improving health outcomes which saves money.",
            "There is no new money – recycle money into VCFS once the value is proven.",
        ],
    ),
    2: (
        "Shift the current working culture and strengthen relationships",
        [
            "Engagement with neighbourhood, ICP and ICS",
            "Develop a common language",
            "Identify community needs",
            "Identify and engage the less heard grass roots organisations",
            "Communicate successes!",
            "Shape case studies.",
        ],
        [
            "Peer support/ mentorship – share learning between healthcare practitioners and VCSE",
            "Explore public sector workforce challenges innovatively – could the VCSE address some of these challenges?",
            "Explore redistribution of resource – ROI vs SROI commissioning/ decommissioning challenges.",
        ],
    ),
    3: (
        "Collaboration – Build consistent “models” of engagement at ICP level",
        [
            "Choose 3 neighbourhoods",
            "Choose a theme",
            "Try a different way of engaging",
            "Demonstrate the impact each approach can have when involving community connectors, CVS, and council support.",
        ],
        [
            "Trial something in a neighbourhood at 3 different levels (ICS, ICP, and Neighbourhood)",
            "Ask the neighbourhood to choose a theme",
            "Roll out recommendations",
            "Test effectiveness and unintended consequences",
            "Adequately support those organisations to trial different models.",
            "Work towards consistent principles of engagement",
        ],
    ),
}


def descriptions(priority, horizon):
    return list(priority.actions.filter(horizon=horizon).order_by("order").values_list("description", flat=True))


def test_load_demo_runs_the_priorities_loader():
    assert demo.load in LOADERS


def test_demo_has_the_three_lsc_priorities_exactly_as_the_seed(demo_data):
    lsc = demo_data["lancashire-south-cumbria"]
    priorities = list(Priority.objects.filter(partnership=lsc).order_by("number"))
    assert [p.number for p in priorities] == [1, 2, 3]
    for priority in priorities:
        title, immediate, future = SEED_PRIORITIES[priority.number]
        assert priority.title == title
        assert descriptions(priority, Action.Horizon.IMMEDIATE) == immediate
        assert descriptions(priority, Action.Horizon.FUTURE) == future
    assert Priority.objects.exclude(partnership=lsc).count() == 0


def test_demo_priorities_were_agreed_at_lsc_partnership_meeting_1(demo_data):
    for priority in Priority.objects.select_related("agreed_at"):
        assert priority.agreed_at.title.startswith("Partnership Meeting 1")
        assert priority.agreed_at.partnership.slug == "lancashire-south-cumbria"
        assert priority.discussed_at.filter(title__startswith="Flipchart").exists()


def test_demo_statuses_show_progress_one_overdue_and_one_blocked_with_a_note(demo_data):
    statuses = list(Action.objects.values_list("status", flat=True))
    assert statuses.count(Action.Status.DONE) >= 2
    assert statuses.count(Action.Status.IN_PROGRESS) >= 2
    assert Action.objects.overdue().count() == 1
    blocked = Action.objects.get(status=Action.Status.BLOCKED)
    assert blocked.updates.filter(status_to=Action.Status.BLOCKED).exclude(note="").exists()
    assert ActionUpdate.objects.count() >= 5
    chorley = Action.objects.get(description__contains="Chorley")
    assert chorley.owner.organisation.name == "Chorley Community Connectors"


def test_demo_is_idempotent_and_keeps_what_people_recorded(demo_data, settings):
    action = Action.objects.get(description="Choose a theme")
    add_action_note(action, "Recorded after the demo was loaded.")
    counts = (Priority.objects.count(), Action.objects.count(), ActionUpdate.objects.count())
    settings.DEBUG = True
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert (Priority.objects.count(), Action.objects.count(), ActionUpdate.objects.count()) == counts
    assert action.updates.filter(note="Recorded after the demo was loaded.").exists()


def test_demo_plan_shows_on_the_pages(demo_data, client):
    body = client.get("/priorities/?partnership=lancashire-south-cumbria").content.decode()
    assert "Priority 3: Collaboration" in body and "Overdue" in body
    assert "Priority 1: VCFS as a primary partner" in client.get("/p/lancashire-south-cumbria/").content.decode()
