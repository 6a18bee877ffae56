"""The year review's words: how each figure is counted, the narrative's headings, and the sentences built from figures.

The report prints ``DEFINITIONS`` as they are, in the page, the PDF and the
workbook, so the words and the counting (``building.py``) change together.
"""

from dataclasses import dataclass

from .figures import percent

# Lines of narrative that start with one of these are bullet points.
BULLETS = ("·", "•", "-", "*", "–")

DEFINITIONS = [
    (
        "Meetings",
        "A meeting counts in the financial year in which it starts (UK time). Only meetings marked held count; "
        "cancelled meetings, and meetings still marked scheduled, are listed apart.",
    ),
    (
        "Attendees",
        "People who attended, not counting system (NHS and council) staff. Registrations, apologies and "
        "absences are not counted.",
    ),
    ("Distinct people", "Each person counted once, however many meetings they came to."),
    (
        "People new this year",
        "People whose first attendance at any meeting of this partnership was in this year.",
    ),
    ("People who came back", "People who came to two or more of this year's meetings."),
    (
        "Agenda items",
        "Business items at held meetings; arrivals, breaks and other housekeeping items are left out.",
    ),
    (
        "Days to respond",
        "From when people started waiting (the date feedback was requested, or else the meeting's date) to when "
        "they heard back (the date the response was reported back, or else the date it was decided).",
    ),
]

NARRATIVE_SECTIONS = [
    ("went_well", "What has gone well"),
    ("challenges", "Challenges"),
    ("learnt", "What we learnt about how to engage"),
    ("ideas", "Ideas for building on the successes and addressing the challenges"),
]


@dataclass(frozen=True)
class Block:
    """A paragraph (``text``) or a bulleted list (``items``) of narrative."""

    text: str = ""
    items: tuple = ()

    @property
    def is_list(self):
        return bool(self.items)


def text_blocks(text: str) -> tuple[Block, ...]:
    """Plain text as paragraphs and bulleted lists.

    A line starting with a bullet (· • - * –) is a list item; a line right
    under it without a bullet continues that item; a blank line ends a
    paragraph, and ends a list unless another bullet follows.
    """
    blocks, paragraph, items = [], [], []
    after_blank = False

    def end_paragraph():
        if paragraph:
            blocks.append(Block(text=" ".join(paragraph)))
            paragraph.clear()

    def end_list():
        if items:
            blocks.append(Block(items=tuple(items)))
            items.clear()

    for line in (text or "").splitlines():
        stripped = line.strip()
        if not stripped:
            end_paragraph()
            after_blank = True
            continue
        if stripped[0] in BULLETS and (len(stripped) == 1 or stripped[1].isspace()):
            end_paragraph()
            items.append(stripped[1:].strip())
        elif items and not after_blank:
            items[-1] = f"{items[-1]} {stripped}"
        else:
            end_list()
            paragraph.append(stripped)
        after_blank = False
    end_paragraph()
    end_list()
    return tuple(block for block in blocks if block.text or any(block.items))


def trend_sentence(counts: list[int], slope: float | None) -> str:
    """'Attendance fell from 16 at the first meeting to 10 at the last, about 1.9 fewer a meeting.'"""
    if slope is None:
        return "One meeting was held, so there is no trend to show." if counts else ""
    average = sum(counts) / len(counts)
    first, last = counts[0], counts[-1]
    if abs(slope) < max(0.5, 0.05 * average):
        return f"Attendance held steady across the year ({first} at the first meeting, {last} at the last)."
    direction, more = ("rose", "more") if slope > 0 else ("fell", "fewer")
    return (
        f"Attendance {direction} across the year, from {first} at the first meeting to {last} at the last: "
        f"about {abs(slope):.1f} {more} a meeting."
    )


def join_names(names):
    names = [name.lower() for name in names]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} or {names[-1]}"


def ladder_sentence(rungs, item_count: int, involving_rank: int) -> str:
    """'6 of 9 agenda items (67%) were informing or involving.' (the rungs up to Involving that were used)."""
    if not item_count:
        return "No agenda items were recorded for the year."
    lower = [rung for rung in rungs if rung.rank <= involving_rank]
    used = [rung for rung in lower if rung.count]
    count = sum(rung.count for rung in used)
    noun = "agenda item" if item_count == 1 else "agenda items"
    if not used:
        return f"None of the {item_count} {noun} were {join_names([rung.name for rung in lower])}."
    return f"{count} of {item_count} {noun} ({percent(count, item_count)}%) were {join_names([r.name for r in used])}."
