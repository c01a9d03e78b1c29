"""Reading dates and moments typed by people: Vietnamese or ISO forms, local time by default."""

from __future__ import annotations

import datetime as dt
import re

from kehoach.errors import UserError
from models.timeutil import to_utc

# A bare day means the morning sweep of that day (08:00 in Vietnam).
DEFAULT_TIME = dt.time(8, 0)

_DMY = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})(?:[ T](\d{1,2}):(\d{2}))?$")


def parse_date(text: str, what: str = "Ngày") -> dt.date:
    moment = _parse(text.strip(), what)
    if isinstance(moment, dt.datetime):
        raise UserError(
            f"{what} '{text}' chỉ cần ngày (YYYY-MM-DD hoặc dd/mm/yyyy), không kèm giờ."
        )
    return moment


def parse_moment(text: str, what: str = "Thời điểm") -> dt.datetime:
    """An aware UTC instant; a time without zone is Vietnam's local time."""
    moment = _parse(text.strip(), what)
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime.combine(moment, DEFAULT_TIME)
    return to_utc(moment)


def _parse(text: str, what: str) -> dt.date | dt.datetime:
    match = _DMY.match(text)
    try:
        if match:
            day, month, year, hour, minute = match.groups()
            if hour is None:
                return dt.date(int(year), int(month), int(day))
            return dt.datetime(int(year), int(month), int(day), int(hour), int(minute))
        if len(text) == 10:
            return dt.date.fromisoformat(text)
        return dt.datetime.fromisoformat(text)
    except ValueError:
        raise UserError(
            f"{what} '{text}' không hợp lệ. Dùng dạng YYYY-MM-DD, dd/mm/yyyy, "
            "hoặc kèm giờ: 'YYYY-MM-DDTHH:MM' / 'dd/mm/yyyy HH:MM' (giờ Việt Nam)."
        ) from None
