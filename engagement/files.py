"""Uploaded files: checked by content, stored under random names.

Used by meeting papers and claim receipts. Files never go under static and
are served only through views that check permission.
"""

import os
import uuid

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible

# What we accept, by the type the content shows, not the name it is given.
ALLOWED_MIME_TYPES = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
}


def detected_extension(uploaded):
    """The extension that matches the file's content, or None if not allowed."""
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(2048)
    uploaded.seek(position)
    kind = filetype.guess(head)
    if kind is None:
        return None
    return ALLOWED_MIME_TYPES.get(kind.mime)


def file_size(size):
    """A size in bytes as people read it: '900 bytes', '1.5 KB', '12.4 MB', '10 MB' (no '.0', plain spaces).

    Units of 1,024, as the cap (``MAX_UPLOAD_BYTES``) is set: the default cap is 10 MB exactly.
    """
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    for unit in ("KB", "MB", "GB"):
        size /= 1024
        if size < 1024 or unit == "GB":
            text = f"{size:.1f}"
            return f"{text.removesuffix('.0')} {unit}"


def largest_upload():
    """The cap on one uploaded file, in words: '10 MB'."""
    return file_size(settings.MAX_UPLOAD_BYTES)


def validate_upload(uploaded):
    """Reject files that are too large or are not really PDF, JPEG or PNG."""
    limit = settings.MAX_UPLOAD_BYTES
    if uploaded.size > limit:
        size, largest = file_size(uploaded.size), largest_upload()
        if size == largest:  # just over the cap: "10 MB; the largest we accept is 10 MB" would say nothing
            size, largest = f"{uploaded.size:,} bytes", f"{limit:,} bytes ({largest})"
        raise ValidationError(
            "This file is %(size)s; the largest we accept is %(limit)s.",
            params={"size": size, "limit": largest},
            code="too_large",
        )
    if detected_extension(uploaded) is None:
        raise ValidationError(
            "This file is not a PDF, JPEG or PNG. Please upload a scan or photo in one of those formats.",
            code="bad_type",
        )


def clean_upload(uploaded):
    """Validate ``uploaded`` and name it by what its content is.

    Forms call this from ``clean_<field>``; a file called ``receipt.pdf``
    that is really a PNG is stored as a PNG.
    """
    validate_upload(uploaded)
    uploaded.name = f"upload{detected_extension(uploaded)}"
    return uploaded


@deconstructible
class RandomName:
    """An ``upload_to`` that keeps nothing of the user's file name."""

    def __init__(self, folder):
        self.folder = folder

    def __call__(self, instance, filename):
        extension = os.path.splitext(filename)[1].lower()
        if extension not in ALLOWED_MIME_TYPES.values():
            extension = ""
        return f"{self.folder}/{uuid.uuid4().hex}{extension}"

    def __eq__(self, other):
        return isinstance(other, RandomName) and other.folder == self.folder
