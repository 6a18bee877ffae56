"""The meeting list's year is a financial year, as in the year review; old calendar-year links still work."""

import datetime
import re

import pytest
from django.urls import reverse

from tests.factories import aware, make_meeting, make_partnership, page_text


def year_options(response):
    select = re.search(r'<select name="year".*?</select>', response.content.decode(), re.S).group(0)
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select)


def words(response):
    """The page as text a person reads: tags dropped, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", " ", page_text(response)).split()).replace(" .", ".").replace(" :", ":")


def listed(client, **query):
    response = client.get(reverse("meeting_list"), query)
    assert response.status_code == 200
    return response, list(response.context["meetings"])


def test_years_offered_are_financial_years_and_the_page_says_so(client, partnership):
    make_meeting(partnership, start=aware(2023, 5, 11))
    make_meeting(partnership, start=aware(2024, 2, 7))  # still 2023/24
    make_meeting(partnership, start=aware(2024, 6, 26))
    response, _ = listed(client)
    assert year_options(response) == [("", "Any year"), ("2024-25", "2024/25"), ("2023-24", "2023/24")]
    body = page_text(response)
    assert '<label class="form-label" for="id_year">Financial year</label>' in body
    assert "Financial years run from 1 April to 31 March, as in the year review." in body
    assert 'aria-describedby="id_year_hint"' in body and 'id="id_year_hint"' in body


def test_a_financial_year_runs_from_april_to_march_in_uk_time(client, partnership):
    first = make_meeting(partnership, start=aware(2023, 4, 1, 0, 30))  # 31 March 23:30 UTC: in 2023/24
    last = make_meeting(partnership, start=aware(2024, 3, 31, 23, 30))
    make_meeting(partnership, start=aware(2023, 3, 31, 23, 30))  # 2022/23
    make_meeting(partnership, start=aware(2024, 4, 1, 0, 30))  # 2024/25, though still 31 March in UTC
    _, meetings = listed(client, year="2023-24")
    assert meetings == [last, first]


def test_each_partnership_counts_in_its_own_financial_year(client, partnership):
    calendar_years = make_partnership(slug="by-calendar-year", financial_year_start_month=1)
    april = make_meeting(partnership, start=aware(2024, 2, 7))  # Lewisham 2023/24
    january = make_meeting(calendar_years, start=aware(2023, 2, 7))  # its year 2023
    make_meeting(calendar_years, start=aware(2024, 2, 7))  # its year 2024
    response, meetings = listed(client, year="2023-24")
    assert set(meetings) == {april, january}
    assert "Each meeting counts in its own partnership's financial year" in page_text(response)
    _, lewisham_only = listed(client, year="2023-24", partnership="lewisham")
    assert lewisham_only == [april]


def test_an_old_calendar_year_link_still_works_and_says_what_it_means(client, partnership):
    spring = make_meeting(partnership, start=aware(2024, 2, 7))
    summer = make_meeting(partnership, start=aware(2024, 6, 26))
    make_meeting(partnership, start=aware(2023, 12, 6))
    response, meetings = listed(client, year="2024", partnership="lewisham", page="1")
    assert meetings == [summer, spring]
    body = page_text(response)
    assert "This link asks for the calendar year 2024: meetings from 1 January to 31 December 2024." in words(response)
    html = response.content.decode()
    assert '<a href="?partnership=lewisham&amp;year=2023-24">2023/24</a>' in html
    assert '<a href="?partnership=lewisham&amp;year=2024-25">2024/25</a>' in html
    assert ("2024", "2024 (calendar year, from an older link)") in year_options(response)
    assert re.search(r'<option value="2024" selected>', body)


def test_a_financial_year_link_has_no_old_link_note(client, partnership):
    make_meeting(partnership, start=aware(2024, 2, 7))
    response, _ = listed(client, year="2023-24")
    assert "calendar year" not in words(response)
    assert [value for value, _ in year_options(response)] == ["", "2023-24"]


@pytest.mark.parametrize("year", ["2019-20", "2019", "2023/24", "2023-25x", "２０２４"])
def test_a_year_without_meetings_or_of_another_shape_is_an_empty_list_that_says_so(client, partnership, year):
    make_meeting(partnership, start=aware(2024, 2, 7))
    response = client.get(reverse("meeting_list"), {"year": year})
    assert response.status_code == 200  # as every list answers a value it does not know
    assert list(response.context["meetings"]) == []
    assert 'aria-invalid="true"' in response.content.decode()


@pytest.mark.parametrize("count", [3, 30])
def test_meeting_list_query_count_does_not_grow_with_meetings(
    client, partnership, django_assert_max_num_queries, count
):
    other = make_partnership(slug="elsewhere", financial_year_start_month=1)
    for day in range(count):
        make_meeting(partnership if day % 2 else other, start=aware(2023, 1, 1) + datetime.timedelta(days=day * 11))
    for query in ({}, {"year": "2023-24"}, {"year": "2023", "partnership": "lewisham"}):
        with django_assert_max_num_queries(6):
            assert client.get(reverse("meeting_list"), query).status_code == 200


def test_the_filter_set_also_takes_a_plain_dict(partnership):
    from meetings.filters import MeetingFilter
    from meetings.models import Meeting

    spring = make_meeting(partnership, start=aware(2024, 2, 7))
    meeting_filter = MeetingFilter({"year": "2024", "format": ""}, queryset=Meeting.objects.all())
    assert meeting_filter.is_valid() and list(meeting_filter.qs) == [spring]
    link = meeting_filter.filters["year"].calendar_year_link()
    assert link.year == 2024 and link.instead == (("format=&year=2023-24", "2023/24"),)


def test_the_years_are_kept_until_a_meeting_or_a_partnership_changes(client, partnership, settings):
    """Reading every meeting's year is a pass over a region's 9,000: once, not on every list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    settings.FRAGMENT_CACHE_SECONDS = 60
    make_meeting(partnership, start=aware(2023, 5, 11))
    listed(client)
    with CaptureQueriesContext(connection) as queries:
        response, _ = listed(client)
    assert not any("EXTRACT" in q["sql"].upper() or "STRFTIME" in q["sql"].upper() for q in queries.captured_queries)
    assert year_options(response) == [("", "Any year"), ("2023-24", "2023/24")]
    make_meeting(partnership, start=aware(2025, 5, 11))
    assert ("2025-26", "2025/26") in year_options(listed(client)[0])
    partnership.financial_year_start_month = 1
    partnership.save()
    assert year_options(listed(client)[0]) == [("", "Any year"), ("2025-26", "2025"), ("2023-24", "2023")]
