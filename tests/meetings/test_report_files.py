"""The year review's files and charts: CSV, XLSX, PDF and SVG, formatted from the report without queries."""

import csv
import datetime
import io
import shutil
import subprocess

import pytest
from django.urls import reverse

from engagement.models import Theme
from meetings.models import YearReview
from meetings.year_review import build_year_review
from meetings.year_review.renderers import charts
from meetings.year_review.renderers.csv_file import chunks
from meetings.year_review.renderers.pdf_file import pdf_bytes
from meetings.year_review.renderers.xlsx_file import workbook_bytes
from tests.factories import attend, aware, make_item, make_meeting, make_participant, page_text
from toolkit.exports import neutralise

DANGEROUS = ['=HYPERLINK("http://evil")', "+1+1", "-2+3", "@SUM(A1)", "\tcmd", "\rcmd"]


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(content):
    assert content.startswith(b"\xef\xbb\xbf"), "a byte-order mark so Excel reads UTF-8"
    return list(csv.reader(io.StringIO(content[3:].decode("utf-8"))))


def load_workbook(content):
    from openpyxl import load_workbook as load

    return load(io.BytesIO(content))


def pdf_text(content):
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed, so the PDF's text cannot be read")
    result = subprocess.run(["pdftotext", "-", "-"], input=content, capture_output=True, check=True)
    return " ".join(result.stdout.decode().split())


def demo_login(client, username):
    """The demo's own user (the role fixtures would clash with the demo's linked participants)."""
    from django.contrib.auth.models import User

    client.force_login(User.objects.get(username=username))
    return client


def url(fmt, slug="lewisham", year="2023"):
    return reverse("year_review_file", kwargs={"slug": slug, "year": year, "fmt": fmt})


@pytest.fixture
def small_year(partnership, ladder):
    """2023/24 with two held meetings, one of them without business items."""
    first = make_meeting(partnership, start=aware(2023, 5, 11), status="held", title="May meeting")
    make_item(first, title="Charter", engagement_type=ladder["Collaborating"], outcome="Agreed in March")
    make_item(first, title="Forward plan", engagement_type=ladder["Informing"], feedback_status="need_feedback")
    make_item(first, title="Break", is_business=False)
    for _ in range(3):
        attend(first, make_participant())
    second = make_meeting(partnership, start=aware(2023, 7, 25), status="held", title="July meeting")
    attend(second, make_participant(), mode="online")
    return partnership


# --- CSV --------------------------------------------------------------------------------------


def test_demo_csv_has_a_bom_and_one_row_per_agenda_item(client, demo_data):
    response = demo_login(client, "staff").get(url("csv"))

    assert response.streaming, "the CSV is streamed"
    rows = csv_rows(body(response))
    header, data = rows[0], rows[1:]
    assert header[:5] == ["Meeting date", "Meeting", "Format", "Attendees (not counting staff)", "Online attendees"]
    assert len(data) == 9
    assert [row[3] for row in data] == ["16", "16", "20", "20", "14", "14", "13", "13", "10"]
    assert data[0][0] == "2023-05-11"
    assert sum(int(row[3]) for row in {row[0]: row for row in data}.values()) == 73
    assert {row[-1] for row in data} == {"Draft"}


def test_csv_keeps_a_meeting_without_items_as_one_row(small_year):
    rows = csv_rows("".join(chunks(build_year_review(small_year, 2023))).encode())

    assert [(row[1], row[6]) for row in rows[1:]] == [
        ("May meeting", "Charter"),
        ("May meeting", "Forward plan"),
        ("July meeting", ""),
    ]
    assert rows[3][3:5] == ["1", "1"]


def test_csv_is_written_in_chunks(partnership, ladder):
    meeting = make_meeting(partnership, start=aware(2023, 5, 11), status="held")
    for _ in range(450):
        make_item(meeting, engagement_type=ladder["Informing"])

    parts = list(chunks(build_year_review(partnership, 2023)))

    assert parts[0] == "\ufeff"
    assert len(parts) >= 4
    assert sum(part.count("\r\n") for part in parts) == 451


# --- XLSX -------------------------------------------------------------------------------------


def test_demo_xlsx_has_the_four_sheets_with_real_dates_and_numbers(client, demo_data):
    response = demo_login(client, "finance").get(url("xlsx"))

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = load_workbook(body(response))
    assert book.sheetnames == ["Summary", "Meetings", "Agenda items", "Themes"]

    meetings = book["Meetings"]
    assert meetings["A1"].value == "Date"
    assert meetings.freeze_panes == "A2"
    assert meetings.column_dimensions["B"].width == 40
    assert isinstance(meetings["A2"].value, datetime.datetime)
    assert meetings["A2"].value.date() == datetime.date(2023, 5, 11)
    assert meetings["A2"].number_format == "DD/MM/YYYY"
    assert [meetings.cell(row=r, column=4).value for r in range(2, 7)] == [16, 20, 14, 13, 10]
    assert meetings.cell(row=7, column=4).value is None

    items = book["Agenda items"]
    assert items.freeze_panes == "A2"
    assert items.max_row == 10  # a header and 9 items
    assert all(isinstance(items.cell(row=r, column=9).value, int) for r in range(2, 11))

    themes = book["Themes"]
    assert themes["A1"].value == "Theme" and isinstance(themes["B2"].value, int)

    summary = book["Summary"]
    values = {row[0]: row[1] for row in summary.iter_rows(values_only=True) if row[0]}
    assert values["Status"] == "DRAFT – not final"
    assert values["Meetings held"] == 5
    assert values["Attendances (not counting staff)"] == 73
    assert values["Informing"] == 2 and values["Involving"] == 4 and values["Collaborating"] == 3
    assert "DRAFT" in summary.oddHeader.right.text


def test_xlsx_shares_are_fractions_shown_as_percentages(small_year):
    summary = load_workbook(workbook_bytes(build_year_review(small_year, 2023)))["Summary"]
    informing = next(row for row in summary.iter_rows() if row[0].value == "Informing")
    assert informing[2].value == 0.5
    assert informing[2].number_format == "0%"


# --- PDF --------------------------------------------------------------------------------------


def test_demo_pdf_is_a_pdf_that_says_draft(client, demo_data):
    response = demo_login(client, "chair").get(url("pdf"))

    content = body(response)
    assert response["Content-Type"] == "application/pdf"
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    assert "DRAFT" in text
    assert "Year review 2023/24" in text
    assert "Page 1 of" in text
    assert "Appendix: the year's meetings" in text
    assert "73 people have attended the first five meetings" in text


def test_final_pdf_does_not_say_draft(small_year):
    review = YearReview.objects.create(partnership=small_year, year=2023, status="final")
    text = pdf_text(pdf_bytes(build_year_review(small_year, 2023, review=review)))
    assert "DRAFT" not in text
    assert "Final" in text


def test_pdf_repeats_the_appendix_header_on_every_page(partnership, ladder):
    for index in range(40):
        meeting = make_meeting(partnership, start=aware(2023, 4, 3) + datetime.timedelta(days=8 * index), status="held")
        for n in range(3):
            make_item(meeting, title=f"Item {n} of a long agenda", engagement_type=ladder["Involving"])

    text = pdf_text(pdf_bytes(build_year_review(partnership, 2023)))

    # "Outcomes" heads only the appendix's last column: once per page it runs over.
    appendix = text[text.index("Appendix: the year's meetings") : text.index("How the figures are counted")]
    assert appendix.count("Outcomes") >= 2
    assert appendix.count("Page ") >= 2


# --- Formulas never run -----------------------------------------------------------------------


@pytest.mark.parametrize("value", DANGEROUS)
def test_neutralise_prefixes_formula_starts(value):
    assert neutralise(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain", "", 12, datetime.date(2023, 1, 1), "A=B"])
def test_neutralise_leaves_everything_else(value):
    assert neutralise(value) == value


@pytest.fixture
def hostile_year(partnership, ladder):
    meeting = make_meeting(partnership, start=aware(2023, 5, 11), status="held", title=DANGEROUS[0])
    for text in DANGEROUS:
        item = make_item(meeting, title=text, outcome=text, engagement_type=ladder["Informing"])
        item.themes.add(Theme.objects.get_or_create(name=text)[0])
    attend(meeting, make_participant())
    YearReview.objects.create(partnership=partnership, year=2023, went_well="=1+1\n\n@cmd")
    return partnership


def test_csv_cells_from_user_text_never_start_a_formula(hostile_year):
    rows = csv_rows("".join(chunks(build_year_review(hostile_year, 2023))).encode())
    for row in rows[1:]:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    assert rows[1][1] == "'" + DANGEROUS[0]
    assert [row[6] for row in rows[1:]] == ["'" + text for text in DANGEROUS]


def test_xlsx_cells_from_user_text_are_text_never_formulas(hostile_year):
    book = load_workbook(workbook_bytes(build_year_review(hostile_year, 2023)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@", "\t", "\r")), cell.value
    summary_text = [row[0] for row in book["Summary"].iter_rows(values_only=True)]
    assert "'=1+1" in summary_text and "'@cmd" in summary_text


# --- Renderers only format --------------------------------------------------------------------


def test_renderers_never_query_the_database(small_year, django_assert_num_queries):
    report = build_year_review(small_year, 2023)
    with django_assert_num_queries(0):
        list(chunks(report))
        workbook_bytes(report)
        pdf_bytes(report)
        charts.attendance_chart(report)
        charts.ladder_chart(report)


def test_charts_are_accessible_svg_without_script_or_inline_style(small_year):
    report = build_year_review(small_year, 2023)
    for chart in (charts.attendance_chart(report), charts.ladder_chart(report)):
        assert chart.startswith("<svg") and 'role="img"' in chart
        assert "<title id=" in chart and "<desc id=" in chart
        assert "style=" not in chart and "<script" not in chart
    assert "Attendance at each meeting, 2023/24" in charts.attendance_chart(report)


def test_chart_text_is_escaped(partnership, ladder):
    from engagement.models import EngagementType

    EngagementType.objects.create(name="<b>Co-producing</b>", rank=6)
    chart = charts.ladder_chart(build_year_review(partnership, 2023))
    assert "<b>" not in chart and "&lt;b&gt;Co-producing&lt;/b&gt;" in chart


def test_page_shows_each_chart_beside_its_data_table(client_for, small_year):
    text = page_text(client_for("staff").get(reverse("year_review", kwargs={"slug": "lewisham", "year": 2023})))

    assert text.count('<div class="report-chart">') == 2
    assert 'id="chart-attendance"' in text and 'id="chart-ladder"' in text
    assert "<caption>Attendees at each meeting (not counting system staff)</caption>" in text
    assert "Agenda items at each rung of the engagement ladder" in text
    assert " style=" not in text and "<script>" not in text
