"""How a plan words a deadline, read into a deadline form of the spreadsheet.

The words and what they mean (see /work/briefs/design-v2.md and models/deadlines.py):
"chậm nhất ngày X" or a bare date in a table's deadline column: due X; "trước ngày X": due
before X; "trong tháng 3": within that month; "từ 22.2 – 27.2": a window; "N ngày trước ngày
bầu cử": an offset from the event (Luật Bầu cử counts calendar days, so a plain "ngày" is read
as calendar days and marked for checking); "hằng tháng", "mỗi quý", "6 tháng", "hằng năm": a
report cycle; "thường xuyên": an ongoing duty.
"""

from __future__ import annotations

import datetime as dt
import re

from kehoach.importing.draft import DeadlineGuess
from kehoach.importing.layout import DeadlineForm

DATE = r"(\d{1,2})\s*[./-]\s*(\d{1,2})(?:\s*[./-]\s*(\d{4}))?"
YEARLY_WORDS = r"h[ằà]ng năm|mỗi năm"
MONTHLY_WORDS = r"h[ằà]ng tháng|mỗi tháng|của tháng|báo cáo tháng"
QUARTERLY_WORDS = r"h[ằà]ng quý|mỗi quý|của quý|báo cáo quý"
HALF_YEAR_WORDS = r"6 tháng|sáu tháng"
BEFORE_DAY = r"trước\s+ngày\s+(\d{1,2})(?:\s*[./]\s*(\d{1,2}))?(?:\s*[./]\s*(\d{4}))?"
NO_YEAR = "Văn bản không ghi năm; đã lấy năm của kế hoạch, cần kiểm tra."


def read_deadline(text: str, year: int | None, bare_date: bool = False) -> DeadlineGuess | None:
    """The deadline `text` states, or None; `bare_date`: a lone date means "chậm nhất"."""
    low = " ".join(text.lower().split())
    for reader in (_window, _relative, _by_date, _before_date, _within_month, _cycle, _ongoing):
        guess = reader(low, year)
        if guess is not None:
            return guess
    if not bare_date:
        return None
    for reader in (_quarter, _month_cell, _year_cell, _bare):
        guess = reader(low, year)
        if guess is not None:
            return guess
    return None


def _date(groups: tuple[str | None, ...], year: int | None) -> tuple[dt.date | None, bool]:
    day, month, written_year = groups
    chosen = int(written_year) if written_year else year
    if chosen is None or day is None or month is None:
        return None, False
    try:
        return dt.date(chosen, int(month), int(day)), written_year is not None
    except ValueError:
        return None, False


def _dated(form: DeadlineForm, found: re.Match[str], year: int | None) -> DeadlineGuess | None:
    day, written = _date(found.groups()[:3], year)
    if day is None:
        return None
    reason = "" if written else NO_YEAR
    return DeadlineGuess(form, day.strftime("%d/%m/%Y"), 1.0 if written else 0.7, reason, day)


def _window(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(rf"từ\s+(?:ngày\s+)?{DATE}\s*(?:-|–|đến)\s*(?:ngày\s+)?{DATE}", low)
    if not found:
        return None
    first, _ = _date(found.groups()[:3], year)
    last, written = _date(found.groups()[3:], year)
    if first is None or last is None:
        return None
    value = f"{first:%d/%m/%Y} – {last:%d/%m/%Y}"
    reason = "" if written else NO_YEAR
    return DeadlineGuess(DeadlineForm.WINDOW, value, 1.0 if written else 0.7, reason, last)


def _relative(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(r"(\d+)\s*ngày\s*(làm việc\s*)?(trước|sau)\s*(?:khi|ngày)", low)
    if not found:
        return None
    days, working, side = int(found.group(1)), found.group(2), found.group(3)
    if side == "sau":
        form = DeadlineForm.AFTER_EVENT
    else:
        form = DeadlineForm.BEFORE_EVENT if working else DeadlineForm.BEFORE_EVENT_CALENDAR
    reason = "" if working else "Văn bản ghi “ngày”, đã hiểu là ngày lịch; cần kiểm tra."
    return DeadlineGuess(form, str(days), 1.0 if working else 0.75, reason, days=days)


def _by_date(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(rf"chậm nhất\s*(?:là\s*)?(?:vào\s*)?(?:ngày\s*)?{DATE}", low)
    return _dated(DeadlineForm.BY_DATE, found, year) if found else None


def _before_date(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(
        r"trước\s+ngày\s+(\d{1,2})(?:\s*[./]\s*(\d{1,2}))?(?:\s*[./]\s*(\d{4}))?", low
    )
    if not found:
        return None
    day, month = int(found.group(1)), found.group(2)
    cycle = _cycle_form(low)
    if cycle is not None:
        return _cycle_day(cycle, low, day, int(month) if month else None)
    if month is None:
        return None
    return _dated(DeadlineForm.BEFORE_DATE, found, year)


def _cycle_day(form: DeadlineForm, low: str, day: int, month: int | None) -> DeadlineGuess:
    # "trước ngày 05 tháng cuối cùng của mỗi quý": the third month of the quarter.
    # The cell keeps "trước ngày": the import reads it as due the working day before.
    if form is DeadlineForm.QUARTERLY and month is None and "tháng cuối" in low:
        value = f"trước ngày {day:02d} tháng cuối quý"
        return DeadlineGuess(form, value, 1.0, "", day=day, month=3)
    value = f"trước ngày {day:02d}/{month:02d}" if month else f"trước ngày {day:02d}"
    return DeadlineGuess(form, value, 1.0, "", day=day, month=month)


def _cycle_form(low: str) -> DeadlineForm | None:
    for words, form in (
        (YEARLY_WORDS, DeadlineForm.YEARLY),
        (QUARTERLY_WORDS, DeadlineForm.QUARTERLY),
        (HALF_YEAR_WORDS, DeadlineForm.HALF_YEARLY),
        (MONTHLY_WORDS, DeadlineForm.MONTHLY),
        (r"h[ằà]ng tuần|mỗi tuần", DeadlineForm.WEEKLY),
    ):
        if re.search(words, low):
            return form
    return None


def _within_month(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(r"trong\s+tháng\s+(\d{1,2})(?:\s*[./]\s*(?:năm\s*)?(\d{4}))?", low)
    if not found:
        return None
    month, written = int(found.group(1)), found.group(2)
    chosen = int(written) if written else year
    if chosen is None or not 1 <= month <= 12:
        return None
    reason = "" if written else NO_YEAR
    day = dt.date(chosen, month, 1)
    return DeadlineGuess(
        DeadlineForm.WITHIN_MONTH, f"{month:02d}/{chosen}", 1.0 if written else 0.7, reason, day
    )


def _cycle(low: str, year: int | None) -> DeadlineGuess | None:
    form = _cycle_form(low)
    if form is None or (form is DeadlineForm.WEEKLY and "báo cáo" not in low):
        return None
    reason = "Văn bản nêu định kỳ nhưng không nêu ngày gửi; cần ghi ngày."
    return DeadlineGuess(form, "", 0.5, reason)


def _ongoing(low: str, year: int | None) -> DeadlineGuess | None:
    if "thường xuyên" not in low:
        return None
    return DeadlineGuess(DeadlineForm.ONGOING, "", 0.9, "Nhiệm vụ thường xuyên, không có hạn.")


def _bare(low: str, year: int | None) -> DeadlineGuess | None:
    found = re.search(DATE, low)
    return _dated(DeadlineForm.BY_DATE, found, year) if found else None


QUARTERS = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def _quarter(low: str, year: int | None) -> DeadlineGuess | None:
    """A table's "Quý II/2024": by the quarter's last day, marked for checking."""
    found = re.search(r"quý\s+(iv|i{1,3}|[1-4])\s*(?:/|năm|-)\s*(\d{4})", low)
    if not found:
        return None
    quarter, chosen = QUARTERS[found.group(1)], int(found.group(2))
    last = dt.date(chosen, 3 * quarter, 30 if quarter in (2, 3) else 31)
    reason = f"Văn bản ghi “{found.group(0)}”, đã hiểu là chậm nhất ngày cuối quý; cần kiểm tra."
    return DeadlineGuess(DeadlineForm.BY_DATE, f"{last:%d/%m/%Y}", 0.7, reason, last)


def _month_cell(low: str, year: int | None) -> DeadlineGuess | None:
    """A table's "Tháng 6/2024": within that month."""
    found = re.match(r"tháng\s+(\d{1,2})\s*(?:/|năm)\s*(\d{4})", low)
    return _within_month(f"trong tháng {found.group(1)}/{found.group(2)}", year) if found else None


def _year_cell(low: str, year: int | None) -> DeadlineGuess | None:
    """A table's "Năm 2024": by the year's last day, marked for checking."""
    found = re.fullmatch(r"(?:trong\s+)?năm\s+(\d{4})", low.strip(" ."))
    if not found:
        return None
    last = dt.date(int(found.group(1)), 12, 31)
    reason = "Văn bản chỉ ghi năm; đã hiểu là chậm nhất ngày cuối năm, cần kiểm tra."
    return DeadlineGuess(DeadlineForm.BY_DATE, f"{last:%d/%m/%Y}", 0.6, reason, last)
