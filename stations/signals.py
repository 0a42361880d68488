"""Signals the backbone sends for other apps to act on without ``stations`` knowing them.

``holiday_calendar_changed``: a year's official holiday arrangements were entered, corrected or
removed; sent inside the writing transaction with ``actor`` and ``years`` (the years whose days
changed), so the deadlines counted through those years can be derived again.
"""

from django.dispatch import Signal

holiday_calendar_changed = Signal()
