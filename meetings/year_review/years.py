"""Which years a year review may be asked for (the URL's ``<year>`` and the admin's year field)."""

# Years outside this range are not financial years anyone will ask about;
# a URL naming one is a 404 rather than a date arithmetic error.
FIRST_YEAR, LAST_YEAR = 1900, 2999


def year_or_none(value) -> int | None:
    """The year as an int if ``value`` is a plausible first year of a financial year, else None."""
    text = str(value)
    if not (len(text) == 4 and text.isascii() and text.isdigit()):
        return None
    year = int(text)
    return year if FIRST_YEAR <= year <= LAST_YEAR else None
