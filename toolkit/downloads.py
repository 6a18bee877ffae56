"""Naming a download and sending it as an attachment, one way for every file the portal makes."""

import datetime

from django.utils.cache import patch_cache_control
from django.utils.http import content_disposition_header


def download_name(*parts, extension: str) -> str:
    """The parts that are set, joined by hyphens, then the extension: ``lewisham-year-review-2023-24-draft.xlsx``.

    Dates are written ``2024-04-23`` and a slash (as in ``2023/24``) becomes a hyphen.
    """
    words = []
    for part in parts:
        if part is None or part == "":
            continue
        if isinstance(part, datetime.date):
            part = f"{part:%Y-%m-%d}"
        words.append(str(part).replace("/", "-"))
    return f"{'-'.join(words)}.{extension}"


def attachment(response, filename: str, *, personal: bool = False):
    """``response`` as a download named ``filename``.

    ``personal``: the file holds personal or financial data, so no browser or
    proxy may keep a copy.
    """
    response["Content-Disposition"] = content_disposition_header(True, filename)
    if personal:
        patch_cache_control(response, private=True, no_store=True)
    return response
