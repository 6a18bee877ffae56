"""The home page's directory of partnerships: by level and parent, searchable, one's own first, flat in queries."""

import pytest
from django.urls import reverse

from engagement.models import Partnership
from engagement.roles import CHAIR, STAFF
from tests.factories import make_partnership, make_user, page_text


@pytest.fixture
def region(db):
    """A system with two places, one of which has a neighbourhood."""
    system = make_partnership(name="North Region ICS", slug="north", level=Partnership.Level.SYSTEM)
    greenwich = make_partnership(name="Greenwich Partnership", slug="greenwich", parent=system)
    bexley = make_partnership(name="Bexley Partnership", short_name="BXP", slug="bexley", parent=system)
    thamesmead = make_partnership(
        name="Thamesmead Neighbourhood", slug="thamesmead", level=Partnership.Level.NEIGHBOURHOOD, parent=greenwich
    )
    return {"system": system, "greenwich": greenwich, "bexley": bexley, "thamesmead": thamesmead}


def directory(response):
    """``[(level, parent slug or None, [slugs])]`` from the page's context."""
    return [
        (level.level, group.parent.slug if group.parent else None, [p.slug for p in group.partnerships])
        for level in response.context["directory"]
        for group in level.groups
    ]


def test_directory_is_grouped_by_level_then_parent(client, region):
    response = client.get(reverse("home"))
    assert directory(response) == [
        ("system", None, ["north"]),
        ("place", "north", ["bexley", "greenwich"]),
        ("neighbourhood", "greenwich", ["thamesmead"]),
    ]
    html = response.content.decode()
    assert 'Part of <a href="/p/north/">North Region ICS</a>' in html
    assert 'Part of <a href="/p/greenwich/">Greenwich Partnership</a>' in html


@pytest.mark.parametrize("q, found", [("green", ["greenwich"]), ("BXP", ["bexley"]), ("thamesmead", ["thamesmead"])])
def test_search_by_name_short_name_or_address(client, region, q, found):
    response = client.get(reverse("home"), {"q": q})
    assert [slug for _, _, slugs in directory(response) for slug in slugs] == found
    assert f"match{'es' if len(found) != 1 else ''}" in page_text(response)


def test_a_search_that_matches_nothing_says_so(client, region):
    text = page_text(client.get(reverse("home"), {"q": "Atlantis"}))
    assert "No partnership matches “Atlantis”." in text


@pytest.mark.parametrize("q", ["green\x00wich", "x" * 5000, "\x1b[31m"])
def test_hostile_search_text_is_refused_in_words_not_a_500(client, region, q):
    response = client.get(reverse("home"), {"q": q})
    assert response.status_code == 200
    assert "We could not search for that." in page_text(response)
    assert len(directory(response)) == 3  # the whole directory still shows


def test_a_signed_in_persons_own_partnerships_come_first(client, region):
    user = make_user("bex-staff", STAFF, partnership=region["bexley"])
    from engagement.models import Membership

    Membership.objects.create(user=user, partnership=region["bexley"], role=CHAIR)
    client.force_login(user)
    response = client.get(reverse("home"))
    own = response.context["own"]
    assert [(entry.partnership.slug, entry.roles) for entry in own] == [("bexley", ["staff", "chair"])]
    html = response.content.decode()
    assert html.index("Your partnerships") < html.index('id="partnerships"')


def test_visitors_see_no_own_partnerships(client, region):
    response = client.get(reverse("home"))
    assert response.context["own"] == []
    assert "Your partnerships" not in page_text(response)


@pytest.mark.parametrize("count", [3, 30])
def test_home_query_count_does_not_grow_with_partnerships(client, db, django_assert_max_num_queries, count):
    system = make_partnership(level=Partnership.Level.SYSTEM)
    user = make_user("reader")
    for n in range(count):
        place = make_partnership(parent=system, purpose="Shape services together.")
        make_partnership(parent=place, level=Partnership.Level.NEIGHBOURHOOD)
        if n % 3 == 0:
            from engagement.models import Membership

            Membership.objects.create(user=user, partnership=place, role=STAFF)
    client.force_login(user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("home"))
    assert response.status_code == 200
    assert sum(len(g.partnerships) for level in response.context["directory"] for g in level.groups) == 1 + 2 * count


def test_navigation_flags_say_only_whether_a_role_is_held_somewhere(client, staff_user):
    client.force_login(staff_user)
    response = client.get(reverse("home"))
    # No site-wide flags for links about one partnership's records: those ask roles.can_run in their view.
    for name in ("is_office", "is_finance", "is_payer"):
        assert name not in response.context
    assert response.context["nav"]["office"] is True and response.context["nav"]["payer"] is False


def test_a_members_home_page_reads_their_memberships_once_and_writes_no_session(client, region, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from engagement.models import Membership

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    user = make_user("bex-staff", STAFF, partnership=region["bexley"])
    Membership.objects.create(user=user, partnership=region["greenwich"], role=CHAIR)
    client.force_login(user)
    client.get(reverse("home"))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"))
    sql = [query["sql"] for query in queries.captured_queries]
    assert sum("engagement_membership" in text for text in sql) == 1
    assert not any(text.lstrip().upper().startswith(("UPDATE", "INSERT")) for text in sql)
    assert [(entry.partnership.slug, entry.roles) for entry in response.context["own"]] == [
        ("bexley", ["staff"]),
        ("greenwich", ["chair"]),
    ]
    searched = client.get(reverse("home"), {"q": "Bexley"})  # the directory leaves Greenwich out: still listed
    assert [entry.partnership.slug for entry in searched.context["own"]] == ["bexley", "greenwich"]


def partnerships_read(client, **query):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("home"), query)
    assert response.status_code == 200
    return response, sum('FROM "engagement_partnership"' in q["sql"] for q in queries.captured_queries)


def test_the_directory_is_kept_for_everyone_until_a_partnership_changes(client, region, settings):
    """A region's 300 partnerships are written out once, not on every signed-in visit or meeting edit."""
    from tests.factories import make_meeting

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0  # a signed-in person's view of it: no whole-page cache
    settings.FRAGMENT_CACHE_SECONDS = 60
    client.force_login(make_user("reader"))
    first, read = partnerships_read(client)
    assert read == 1
    again, read = partnerships_read(client)
    assert read == 0, "the kept directory is served"
    assert again.content.decode().count('href="/p/bexley/"') == 1
    make_meeting(region["bexley"])  # meetings change all day: the directory does not show them
    assert partnerships_read(client)[1] == 0
    region["bexley"].name = "Bexley Care Partnership"
    region["bexley"].save()
    renamed, read = partnerships_read(client)
    assert read == 1 and "Bexley Care Partnership" in page_text(renamed)
    make_partnership(name="Dartford Partnership", slug="dartford", parent=region["system"])
    assert "Dartford Partnership" in page_text(partnerships_read(client)[0])


def test_a_search_is_never_served_from_the_kept_directory(client, region, settings):
    settings.FRAGMENT_CACHE_SECONDS = 60
    client.get(reverse("home"))  # keeps the whole directory
    text = page_text(partnerships_read(client, q="green")[0])
    assert "Greenwich Partnership" in text and "Bexley Partnership" not in text


def test_with_no_fragment_cache_the_directory_is_read_every_time(client, region, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = settings.FRAGMENT_CACHE_SECONDS = 0
    partnerships_read(client)
    assert partnerships_read(client)[1] == 1
