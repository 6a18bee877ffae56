"""Plain words: each partnership's glossary, its page, and the <abbr> marking of terms on pages (issue 14)."""

import re

import pytest
from django.db import IntegrityError, connection, transaction
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.safestring import mark_safe

from engagement.glossary import glossary_for
from engagement.models import GlossaryTerm, Partnership
from tests.factories import make_item, make_meeting, make_partnership, make_user, page_text

pytestmark = pytest.mark.django_db


def term(partnership, word, meaning="A plain meaning.", expansion=""):
    return GlossaryTerm.objects.create(partnership=partnership, term=word, meaning=meaning, expansion=expansion)


@pytest.fixture
def terms(partnership):
    return {
        "LHCP": term(
            partnership,
            "LHCP",
            "The local NHS, council and voluntary partners.",
            expansion="Lewisham Health and Care Partnership",
        ),
        "PEG": term(
            partnership, "PEG", "The executive group for Lewisham.", expansion="Lewisham Place Executive Group"
        ),
        "co-production": term(partnership, "co-production", "Designing services together, as equals."),
    }


def mark(partnership, text):
    return str(glossary_for(partnership).mark(text))


def abbrs(html):
    return re.findall(r'<abbr title="([^"]*)">([^<]*)</abbr>', html)


# The model


def test_a_term_is_unique_in_its_partnership_whatever_its_capitals(partnership, elsewhere):
    term(partnership, "LHCP")
    term(elsewhere, "LHCP")  # another partnership may use the same letters
    with pytest.raises(IntegrityError), transaction.atomic():
        term(partnership, "lhcp")


def test_the_explanation_joins_the_expansion_and_the_meaning(partnership):
    assert term(partnership, "LPP", "The forum.", "Lewisham People's Partnership").explanation == (
        "Lewisham People's Partnership — The forum."
    )
    assert term(partnership, "SROI", "Social return\n on investment.").explanation == "Social return on investment."


# Marking terms in text


def test_only_the_first_use_of_each_term_on_a_page_is_marked(partnership, terms):
    first = mark(partnership, "The LHCP and the PEG met. The LHCP agreed.")
    assert abbrs(first) == [
        ("Lewisham Health and Care Partnership — The local NHS, council and voluntary partners.", "LHCP"),
        ("Lewisham Place Executive Group — The executive group for Lewisham.", "PEG"),
    ]
    assert first.endswith("The LHCP agreed.")
    # A second text on the same page: both already explained.
    assert abbrs(mark(partnership, "Ask the LHCP or the PEG.")) == []


def test_terms_match_whole_words_and_acronyms_only_in_capitals(partnership, terms):
    assert abbrs(mark(partnership, "PEGS, a Peg, peg and LHCPX are not terms.")) == []
    assert [word for _, word in abbrs(mark(partnership, "What the LHCP's board said (PEG)."))] == ["LHCP", "PEG"]


def test_other_terms_match_whatever_their_capitals(partnership, terms):
    assert [word for _, word in abbrs(mark(partnership, "Co-production matters."))] == ["Co-production"]


def test_the_longest_term_wins(partnership):
    term(partnership, "ICS", "The system.")
    term(partnership, "ICS Partnership", "The partnership of the system.")
    assert abbrs(mark(partnership, "The ICS Partnership met the ICS.")) == [
        ("The partnership of the system.", "ICS Partnership"),
        ("The system.", "ICS"),
    ]


def test_text_is_escaped_around_the_terms(partnership, terms):
    html = mark(partnership, '<script>alert("LHCP")</script> & LHCP')
    assert "<script>" not in html
    assert html.startswith("&lt;script&gt;alert(&quot;")
    assert '<abbr title="Lewisham Health and Care Partnership' in html


def test_a_term_and_its_meaning_cannot_inject_markup(partnership):
    term(partnership, "<script>", meaning='"><script>alert(1)</script>', expansion="<b>bold</b>")
    html = mark(partnership, "A <script> tag.")
    assert html == (
        'A <abbr title="&lt;b&gt;bold&lt;/b&gt; — &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;">'
        "&lt;script&gt;</abbr> tag."
    )


def test_html_is_never_searched_for_terms(partnership, terms):
    already = mark_safe('<a title="LHCP">LHCP</a>')
    assert mark(partnership, already) == '<a title="LHCP">LHCP</a>'


def test_without_terms_the_text_is_only_escaped(partnership):
    assert mark(partnership, "A & B <i>") == "A &amp; B &lt;i&gt;"


def test_the_filter_escapes_and_marks(partnership, terms):
    rendered = Template("{% load glossary %}{{ text|glossary:partnership|linebreaks }}").render(
        Context({"text": "The LHCP <b>\n\nThe LHCP", "partnership": partnership})
    )
    assert rendered.count("<abbr") == 1
    assert "&lt;b&gt;" in rendered and "<p>" in rendered


def test_the_filter_without_a_partnership_only_escapes(db):
    rendered = Template("{% load glossary %}{{ text|glossary:None }}").render(Context({"text": "<b>LHCP</b>"}))
    assert rendered == "&lt;b&gt;LHCP&lt;/b&gt;"


# Terms of the partnerships above


@pytest.fixture
def tree(db):
    system = make_partnership(name="Lancashire and South Cumbria", slug="lsc", level=Partnership.Level.SYSTEM)
    place = make_partnership(name="Central Lancashire", slug="central", level=Partnership.Level.PLACE, parent=system)
    neighbourhood = make_partnership(
        name="Chorley", slug="chorley", level=Partnership.Level.NEIGHBOURHOOD, parent=place
    )
    return system, place, neighbourhood


def test_a_partnership_uses_the_terms_of_those_above_it_the_nearest_winning(tree):
    system, place, neighbourhood = tree
    term(system, "ICS", "The whole system.")
    term(system, "ICP", "One of the five areas.")
    term(place, "ICP", "Central Lancashire's own meaning.")
    term(neighbourhood, "CVS", "A council for voluntary service.")
    sibling = make_partnership(name="Sibling", slug="sibling", parent=system)
    term(sibling, "PCN", "Not Chorley's.")
    terms = {t.term: t.meaning for t in glossary_for(neighbourhood).terms}
    assert terms == {
        "CVS": "A council for voluntary service.",
        "ICP": "Central Lancashire's own meaning.",
        "ICS": "The whole system.",
    }
    # Upwards only: the system does not use a neighbourhood's terms.
    assert [t.term for t in glossary_for(Partnership.objects.get(pk=system.pk)).terms] == ["ICP", "ICS"]


def test_the_terms_are_read_once_per_page(partnership, terms, django_assert_num_queries):
    partnership = Partnership.objects.get(pk=partnership.pk)
    with django_assert_num_queries(1):
        for _ in range(5):
            mark(partnership, "The LHCP and the PEG.")


# The glossary page


def test_the_glossary_is_alphabetical_under_letter_headings(client, partnership, terms):
    term(partnership, "BLACHIR", "A review of health inequalities.")
    term(partnership, "3 conversations", "A way of talking with people.")
    response = client.get(reverse("glossary", args=["lewisham"]))
    assert response.status_code == 200
    page = page_text(response)
    headings = re.findall(r'<h2 id="(letter-[a-z]+)">([^<]+)</h2>', page)
    assert headings == [
        ("letter-other", "Other terms"),
        ("letter-b", "B"),
        ("letter-c", "C"),
        ("letter-l", "L"),
        ("letter-p", "P"),
    ]
    assert '<a href="#letter-l">L</a>' in page
    assert '<dt id="term-lhcp">LHCP <span class="fw-normal">(Lewisham Health and Care Partnership)</span></dt>' in page
    order = [page.index(f'id="term-{slug}"') for slug in ("3-conversations", "blachir", "co-production", "lhcp", "peg")]
    assert order == sorted(order)


def test_the_glossary_shows_the_terms_of_the_partnerships_above(client, tree):
    system, _, neighbourhood = tree
    term(system, "ICS", "The whole system.")
    page = page_text(client.get(reverse("glossary", args=["chorley"])))
    assert "ICS" in page and "The whole system." in page
    assert f'(from <a href="{reverse("glossary", args=["lsc"])}">Lancashire and South Cumbria</a>)' in page


def test_an_empty_glossary_says_so(client, partnership):
    response = client.get(reverse("glossary", args=["lewisham"]))
    assert response.status_code == 200
    assert "has not added any terms yet." in page_text(response)


def test_an_unknown_partnerships_glossary_is_not_found(client, db):
    assert client.get(reverse("glossary", args=["nowhere"])).status_code == 404
    assert client.get("/p/nowhere/glossary/").status_code == 404


def test_the_glossary_escapes_what_it_shows(client, partnership):
    term(partnership, "<script>x</script>", meaning="<img src=x onerror=alert(1)>", expansion="<i>")
    page = client.get(reverse("glossary", args=["lewisham"])).content.decode()
    assert "<script>x" not in page and "<img src=x" not in page and "<i>" not in page


def test_the_glossary_gives_each_term_its_own_anchor(client, partnership):
    term(partnership, "A&E", "Accident and emergency.")
    term(partnership, "AE", "Something else.")
    page = client.get(reverse("glossary", args=["lewisham"])).content.decode()
    ids = re.findall(r'id="(term-[^"]+)"', page)
    assert len(ids) == len(set(ids)) == 2


@pytest.mark.parametrize("count", [2, 30])
def test_the_glossary_page_keeps_its_query_count_flat(client, partnership, django_assert_max_num_queries, count):
    for n in range(count):
        term(partnership, f"T{n:02}", f"Term {n}.")
    with django_assert_max_num_queries(3):
        response = client.get(reverse("glossary", args=["lewisham"]))
    assert response.status_code == 200
    assert len(response.context["page_obj"].object_list) == count


def test_the_glossary_page_is_paginated(client, partnership, monkeypatch):
    from engagement import glossary_views

    monkeypatch.setattr(glossary_views, "TERMS_PER_PAGE", 2)
    for word in ("ALPHA", "BRAVO", "CHARLIE"):
        term(partnership, word)
    first = client.get(reverse("glossary", args=["lewisham"])).content.decode()
    assert "CHARLIE" not in first and "Page 1 of 2" in first
    second = client.get(reverse("glossary", args=["lewisham"]), {"page": "2"}).content.decode()
    assert "CHARLIE" in second and "ALPHA" not in second


# Pages that mark terms and link the glossary


def test_the_partnership_page_marks_the_first_use_of_each_term_and_links_the_glossary(client, partnership, terms):
    partnership.purpose = "The forum of the LHCP <script>alert(1)</script>."
    partnership.principles = "Work with the LHCP and the PEG.\n\nCo-production first."
    partnership.save()
    page = client.get(partnership.get_absolute_url()).content.decode()
    assert f'href="{reverse("glossary", args=["lewisham"])}"' in page
    assert "<script>alert(1)</script>" not in page
    assert [word for _, word in abbrs(page)] == ["LHCP", "PEG", "Co-production"]


def test_the_agenda_marks_terms_in_item_titles_and_descriptions(client, partnership, terms):
    meeting = make_meeting(partnership, title="LPP meeting")
    make_item(meeting, title="The LHCP plan", description="What the LHCP and PEG ask <b>you</b>.")
    make_item(meeting, title="PEG update")
    page = client.get(reverse("meeting_detail", args=[meeting.pk])).content.decode()
    assert f'href="{reverse("glossary", args=["lewisham"])}"' in page
    assert [word for _, word in abbrs(page)] == ["LHCP", "PEG"]
    assert "&lt;b&gt;you&lt;/b&gt;" in page


@pytest.mark.parametrize("count", [1, 12])
def test_pages_read_the_glossary_once_however_many_texts(client, partnership, count):
    partnership.purpose = "The LHCP."
    partnership.save()
    meeting = make_meeting(partnership, title="Meeting")
    for n in range(count):
        term(partnership, f"T{n:02}")
        make_item(meeting, title=f"Item about T{n:02} and LHCP", description=f"T{n:02} again.")
    term(partnership, "LHCP")
    for url in (partnership.get_absolute_url(), reverse("meeting_detail", args=[meeting.pk])):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        glossary_reads = [q for q in queries.captured_queries if "engagement_glossaryterm" in q["sql"]]
        assert len(glossary_reads) == 1, url


@pytest.mark.parametrize("count", [1, 12])
def test_the_agenda_keeps_its_query_count_flat_with_terms(client, partnership, django_assert_max_num_queries, count):
    meeting = make_meeting(partnership, title="Meeting")
    for n in range(count):
        term(partnership, f"T{n:02}")
        make_item(meeting, title=f"T{n:02}")
    with django_assert_max_num_queries(12):
        assert client.get(reverse("meeting_detail", args=[meeting.pk])).status_code == 200


# The back office


def glossary_form(partnership, **fields):
    data = {"partnership": partnership.pk, "term": "LHCP", "expansion": "", "meaning": "Lewisham's partners."}
    data.update(fields)
    return data


@pytest.mark.parametrize("role", ["staff", "chair"])
def test_staff_and_chair_keep_their_partnerships_glossary(client, partnership, role):
    user = make_user(f"{role}-user", role, is_staff=True, partnership=partnership)
    client.force_login(user)
    response = client.post(reverse("admin:engagement_glossaryterm_add"), glossary_form(partnership))
    assert response.status_code == 302
    found = GlossaryTerm.objects.get(partnership=partnership)
    url = reverse("admin:engagement_glossaryterm_change", args=[found.pk])
    assert client.post(url, glossary_form(partnership, meaning="Changed.")).status_code == 302
    found.refresh_from_db()
    assert found.meaning == "Changed."


def test_a_term_twice_is_refused_beside_the_form(client, chair, partnership):
    term(partnership, "LHCP")
    client.force_login(chair)
    response = client.post(reverse("admin:engagement_glossaryterm_add"), glossary_form(partnership, term="lhcp"))
    assert response.status_code == 200
    assert "This partnership's glossary already has this term." in page_text(response)
    assert GlossaryTerm.objects.count() == 1


@pytest.mark.parametrize("word", ["", "  ", "---", "LH\x00CP", "L" * 61])
def test_a_term_that_is_not_one_is_refused(client, chair, partnership, word):
    client.force_login(chair)
    response = client.post(reverse("admin:engagement_glossaryterm_add"), glossary_form(partnership, term=word))
    assert response.status_code == 200
    assert "term" in response.context["adminform"].form.errors
    assert not GlossaryTerm.objects.exists()


def test_the_partnership_choices_are_the_users_own(client, chair, partnership, elsewhere):
    client.force_login(chair)
    form = client.get(reverse("admin:engagement_glossaryterm_add")).context["adminform"].form
    assert list(form.fields["partnership"].queryset) == [partnership]
    assert form.initial["partnership"] == partnership.pk
    response = client.post(reverse("admin:engagement_glossaryterm_add"), glossary_form(elsewhere))
    assert response.status_code == 200
    assert not GlossaryTerm.objects.exists()


def test_members_and_finance_do_not_keep_the_glossary(client, member, finance):
    for user in (member, finance):
        client.force_login(user)
        assert client.get(reverse("admin:engagement_glossaryterm_changelist")).status_code in (302, 403)


# The demo


SEED_TERMS = {"LHCP", "LPP", "PEG", "LCP", "HCSSC", "VCSE", "BLACHIR", "CORE20PLUS5"}
LSC_SEED_TERMS = {"BHP", "VCFS", "VCSE", "ICS", "ICP", "SROI"}


def test_the_demo_glossaries_come_from_the_seeds(demo_data, client):
    lewisham = {t.term: t for t in GlossaryTerm.objects.filter(partnership=demo_data["lewisham"])}
    lsc = {t.term: t for t in GlossaryTerm.objects.filter(partnership=demo_data["lancashire-south-cumbria"])}
    assert SEED_TERMS <= lewisham.keys()
    assert LSC_SEED_TERMS <= lsc.keys()
    assert lewisham["LHCP"].expansion == "Lewisham Health and Care Partnership"
    assert lewisham["PEG"].expansion == "Lewisham Place Executive Group"
    assert lsc["BHP"].expansion == "Building Health Partnerships"
    # The seeds use these letters without spelling them out: a plain meaning, no made-up expansion.
    assert lewisham["HCSSC"].expansion == "" and lewisham["BLACHIR"].expansion == ""
    assert lsc["ICS"].expansion == "" and lsc["VCFS"].expansion == ""
    assert all(t.meaning for t in [*lewisham.values(), *lsc.values()])
    page = client.get(demo_data["lewisham"].get_absolute_url()).content.decode()
    assert '<abbr title="Lewisham People&#x27;s Partnership — ' in page
    chorley = page_text(client.get(reverse("glossary", args=["chorley"])))
    assert "Building Health Partnerships" in chorley  # Chorley sits beneath Lancashire and South Cumbria
