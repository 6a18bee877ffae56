"""The chair's back office for meetings. One module per area of work."""

from . import meetings, participation, reports  # noqa: F401
