"""A task row's deadline form and its "Thời gian hoàn thành" cell → the plan schema's fields.

The names are those of plan schema v2 (design-v2: `deadline.meaning`, `not_before`,
`before_event` + `days`, `recurrence.every`/`day`/`month`, `ongoing.check_in`). A form the
schema has always had (a date, N working days before or after the event) gives exactly the
v1 fields, so such a plan loads with today's schema as well.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any

from kehoach.importing import sheet_values as cell
from kehoach.importing.layout import DeadlineForm
from models.wording import fold

Fields = dict[str, Any]  # {"deadline": {...}} or {"recurrence": {...}} or {"ongoing": {...}}

WEEKDAYS = {
    "thu hai": 1, "thu ba": 2, "thu tu": 3, "thu nam": 4, "thu sau": 5, "thu bay": 6,
    "chu nhat": 7,
}  # fmt: skip
CHECK_INS = {"tuan": "week", "thang": "month", "quy": "quarter"}
FORMS_BY_NAME = {fold(form.value): form for form in DeadlineForm}


def deadline_form(value: Any) -> DeadlineForm:
    """The form named in the drop-down (accents and case optional)."""
    found = FORMS_BY_NAME.get(fold(cell.text(value)))
    if found is None:
        raise cell.CellError(
            f"không có hình thức thời hạn '{cell.text(value)}'; chọn một trong danh sách: "
            + "; ".join(form.value for form in DeadlineForm)
        )
    return found


def schedule(form: DeadlineForm, value: Any, event: str | None) -> Fields:
    """The step's schedule fields; `event` is the event id when the plan has several."""
    if form is DeadlineForm.ONGOING:
        return {"ongoing": {"check_in": _check_in(value)}}
    if not cell.text(value):
        raise cell.CellError("chưa ghi thời gian hoàn thành")
    if form in _RECURRING:
        return {"recurrence": _RECURRING[form](value)}
    return {"deadline": _DEADLINES[form](value, event)}


def _by_date(value: Any, _: str | None) -> Fields:
    return {"date": cell.date(value)}  # meaning cham_nhat is the default


def _before_date(value: Any, _: str | None) -> Fields:
    return {"date": cell.date(value), "meaning": "truoc_ngay"}


def _within_month(value: Any, _: str | None) -> Fields:
    year, month = cell.month(value)
    last = dt.date(year, month, calendar.monthrange(year, month)[1])
    return {"date": last, "meaning": "trong_thang"}


def _window(value: Any, _: str | None) -> Fields:
    start, end = cell.window(value)
    return {"not_before": start, "date": end}


def _relative(key: str, days: str | None) -> Callable[[Any, str | None], Fields]:
    def fields(value: Any, event: str | None) -> Fields:
        found: Fields = {key: cell.count(value, "ngày")}
        if days:
            found["days"] = days
        if event:
            found["event"] = event
        return found

    return fields


_DEADLINES: dict[DeadlineForm, Callable[[Any, str | None], Fields]] = {
    DeadlineForm.BY_DATE: _by_date,
    DeadlineForm.BEFORE_DATE: _before_date,
    DeadlineForm.WITHIN_MONTH: _within_month,
    DeadlineForm.WINDOW: _window,
    DeadlineForm.BEFORE_EVENT: _relative("before_event", None),
    DeadlineForm.BEFORE_EVENT_CALENDAR: _relative("before_event", "calendar"),
    DeadlineForm.AFTER_EVENT: _relative("after_event", None),
}


def _meaning(value: Any) -> Fields:
    # "trước ngày 15" is due the working day before the 15th; a bare "15" is due on it.
    return {"meaning": "truoc_ngay"} if "truoc" in fold(cell.text(value)) else {}


def _weekly(value: Any) -> Fields:
    folded = fold(cell.text(value))
    day = next((n for name, n in WEEKDAYS.items() if name in folded), None)
    if day is None:
        found = cell.numbers(value)
        day = found[0] if len(found) == 1 and 1 <= found[0] <= 7 else None
    if day is None:
        raise cell.CellError(
            f"'{cell.text(value)}' phải là một ngày trong tuần, ví dụ 'thứ Sáu' (hoặc số 1–7, "
            "1 là thứ Hai)"
        )
    return {"every": "week", "day": day, **_meaning(value)}


def _monthly(value: Any) -> Fields:
    day = cell.count(value, "ngày trong tháng")
    _check(1 <= day <= 31, value, "ngày trong tháng phải từ 1 đến 31")
    return {"every": "month", "day": day, **_meaning(value)}


def _within_period(every: str, months: int) -> Callable[[Any], Fields]:
    # "ngày 05 tháng cuối quý", "ngày 5 tháng 3 của quý"; no month named: the last month.
    def fields(value: Any) -> Fields:
        found = cell.numbers(value)
        _check(len(found) in (1, 2), value, "ghi ngày và tháng trong kỳ, ví dụ 'ngày 05 tháng 3'")
        day, month = found[0], found[1] if len(found) == 2 else months
        _check(1 <= day <= 31, value, "ngày phải từ 1 đến 31")
        _check(1 <= month <= months, value, f"tháng trong kỳ phải từ 1 đến {months}")
        return {"every": every, "day": day, "month": month, **_meaning(value)}

    return fields


def _yearly(value: Any) -> Fields:
    found = cell.numbers(value)
    _check(len(found) == 2, value, "ghi ngày và tháng trong năm, ví dụ 25/11")
    day, month = found
    _check(1 <= month <= 12 and 1 <= day <= 31, value, "ngày/tháng không có thật")
    return {"every": "year", "day": day, "month": month, **_meaning(value)}


def _check(ok: bool, value: Any, why: str) -> None:
    if not ok:
        raise cell.CellError(f"'{cell.text(value)}': {why}")


_RECURRING: dict[DeadlineForm, Callable[[Any], Fields]] = {
    DeadlineForm.WEEKLY: _weekly,
    DeadlineForm.MONTHLY: _monthly,
    DeadlineForm.QUARTERLY: _within_period("quarter", 3),
    DeadlineForm.HALF_YEARLY: _within_period("half_year", 6),
    DeadlineForm.YEARLY: _yearly,
}


def _check_in(value: Any) -> str:
    folded = fold(cell.text(value))
    found = [code for word, code in CHECK_INS.items() if word in folded.split()]
    if not folded:
        return "month"  # "thường xuyên" with no period named: a monthly check-in
    if len(found) != 1:
        raise cell.CellError(
            f"'{cell.text(value)}': ghi kỳ cập nhật tiến độ: 'hằng tuần', 'hằng tháng' "
            "hoặc 'hằng quý' (để trống: hằng tháng)"
        )
    return found[0]
