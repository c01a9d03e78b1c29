"""An extension carried across a moved deadline, at its edge: nothing granted beyond it."""

from __future__ import annotations

import datetime as dt

from models.calendar import vietnam_calendar
from models.deadlines import carried_extension


def test_an_extension_that_granted_no_working_day_carries_none_across_the_move() -> None:
    calendar = vietnam_calendar(years=range(2024, 2025))
    old, new = dt.date(2024, 4, 3), dt.date(2024, 4, 15)
    assert carried_extension(old, old, new, calendar) == new
    # An "extension" before the old deadline grants nothing either, never time taken back.
    assert carried_extension(old, dt.date(2024, 4, 1), new, calendar) == new
