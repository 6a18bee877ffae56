"""Files for finance: the payment run as CSV and the year summary as XLSX (columns, rows and file names).

``toolkit.exports`` writes them: text people typed (names, meeting titles)
is neutralised so that no cell runs as a formula; amounts stay numbers with
two places and dates stay dates. Both hold personal and financial data, so
neither is kept by browsers or proxies.
"""

from toolkit.exports import DATE_FORMAT, MONEY_FORMAT, Column, Table, csv_response, xlsx_bytes, xlsx_response

from .models import Claim, person_name
from .reports import PAYMENT_RUN_HEADERS


def money(header, width):
    return Column(header, width, MONEY_FORMAT)


def payment_run_csv(rows, filename):
    """The payment run for the finance system: a header row, then one row per claim.

    Written as the year review's CSV is (a byte-order mark, so that Excel shows "£" and names right;
    formulas neutralised); dates as ISO 8601.
    """
    table = Table("Payment run", [Column(header) for header in PAYMENT_RUN_HEADERS], rows)
    return csv_response(table, filename, personal=True)


def year_summary_xlsx(summary):
    """Three sheets: By status, By meeting and Claims (submitted or later)."""
    claimed = summary.claimed
    by_status = Table(
        "By status",
        [Column("Status", 36), Column("Claims", 10), money("Time payments", 16), money("Expenses", 14)]
        + [money("Total", 14)],
        [
            [row.label if row.in_total else f"{row.label} (not in the total)", row.count]
            + [row.time_payment, row.expenses, row.total]
            for row in summary.by_status
        ]
        + [[claimed.label, claimed.count, claimed.time_payment, claimed.expenses, claimed.total]],
        preamble=[
            summary.title,
            f"Meetings from {summary.start:%-d %B %Y} to {summary.end:%-d %B %Y}.",
            summary.by_status_counts,
        ],
    )
    statuses = list(Claim.Status)
    totals = summary.meeting_totals
    by_meeting = Table(
        "By meeting",
        [Column("Meeting date", 12, DATE_FORMAT), Column("Meeting", 44), Column("Claims", 8)]
        + [Column(status.label, 11) for status in statuses]
        + [money("Claimed (£)", 12), money("Approved or paid (£)", 14), money("Paid (£)", 12)]
        + [money("Sent back (£)", 12)],
        [
            [row.meeting.local_date, row.meeting.title, row.claims]
            + [row.counts[status] for status in statuses]
            + [row.claimed, row.approved, row.paid, row.sent_back]
            for row in summary.by_meeting
        ]
        + [
            [None, "All meetings", totals.claims]
            + [totals.counts[status] for status in statuses]
            + [totals.claimed, totals.approved, totals.paid, totals.sent_back]
        ],
        preamble=[summary.title, summary.by_meeting_counts],
    )
    claims = Table(
        "Claims",
        [
            Column("Claim id", 9),
            Column("Meeting date", 12, DATE_FORMAT),
            Column("Meeting", 40),
            Column("Claimant", 24),
            Column("Status", 12),
            money("Time payment", 13),
            money("Expenses", 12),
            money("Total", 12),
            Column("Decided by", 18),
            Column("Payment reference", 18),
            Column("Paid on", 12, DATE_FORMAT),
        ],
        [
            [
                claim.pk,
                claim.attendance.meeting.local_date,
                claim.attendance.meeting.title,
                claim.claimant.name,
                claim.get_status_display(),
                claim.time_payment,
                claim.expenses_total,
                claim.total,
                person_name(claim.decided_by),
                claim.payment_reference,
                claim.paid_on,
            ]
            for claim in summary.claims
        ],
    )
    return xlsx_response(xlsx_bytes([by_status, by_meeting, claims]), summary.filename("xlsx"), personal=True)
