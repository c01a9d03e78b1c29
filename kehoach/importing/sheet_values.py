"""Cell values as officials type them: dates (15/04/2024, 15.4.2024, a date cell), numbers,
lists ("Sở Tài chính; Sở Nội vụ"), yes/no. Each reader raises CellError with a Vietnamese
reason; the caller adds the sheet, row and column."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from models.wording import fold


class CellError(ValueError):
    """A cell that cannot be read: the message says what is wrong and how to write it."""


_DAY_FIRST = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_MONTH = re.compile(r"^(?:tháng\s*)?(\d{1,2})\s*[/.\-]\s*(\d{4})$", re.I)
_NUMBER = re.compile(r"\d+")
DATE_FORM = "dd/mm/yyyy, ví dụ 15/04/2024"


def text(value: Any) -> str:
    """The cell as text, stripped; an empty cell is ''."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return f"{value:%d/%m/%Y}"
    return " ".join(str(value).split())


def date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    written = text(value)
    found = _DAY_FIRST.match(written)
    parts = found.groups()[::-1] if found else (_ISO.match(written) or _no_date(written)).groups()
    try:
        return dt.date(*(int(part) for part in parts))
    except ValueError:
        raise CellError(f"'{written}' không phải một ngày có thật") from None


def _no_date(written: str) -> re.Match[str]:
    raise CellError(f"'{written}' không phải ngày; viết theo dạng {DATE_FORM}")


def month(value: Any) -> tuple[int, int]:
    """(year, month) of "3/2024", "tháng 3/2024" or any date in that month."""
    found = _MONTH.match(text(value))
    if found:
        number, year = int(found[1]), int(found[2])
        if 1 <= number <= 12:
            return year, number
    try:
        day = date(value)
    except CellError:
        raise CellError(f"'{text(value)}' không phải tháng; viết theo dạng 03/2024") from None
    return day.year, day.month


def window(value: Any) -> tuple[dt.date, dt.date]:
    """ "22/02/2024 - 27/02/2024" (also "từ … đến …", "–")."""
    parts = [p for p in re.split(r"\s*(?:-|–|—|đến)\s+|\s+(?:-|–|—)\s*", _strip_from(value)) if p]
    if len(parts) != 2:
        raise CellError(
            f"'{text(value)}' phải có ngày bắt đầu và ngày kết thúc, ví dụ 22/02/2024 - 27/02/2024"
        )
    start, end = date(parts[0]), date(parts[1])
    if start > end:
        raise CellError(f"ngày bắt đầu {start:%d/%m/%Y} sau ngày kết thúc {end:%d/%m/%Y}")
    return start, end


def _strip_from(value: Any) -> str:
    return re.sub(r"^(?:từ ngày|từ)\s+", "", text(value), flags=re.I)


def numbers(value: Any) -> list[int]:
    return [int(n) for n in _NUMBER.findall(text(value))]


def count(value: Any, what: str) -> int:
    found = numbers(value)
    if len(found) != 1:
        raise CellError(f"'{text(value)}' phải là một số {what}, ví dụ 10")
    return found[0]


def names(value: Any) -> list[str]:
    """ "Sở Tài chính; Sở Nội vụ" (also one per line): each name once, in order."""
    parts = re.split(r"[;\n]", str(value or ""))
    return list(dict.fromkeys(" ".join(p.split()) for p in parts if p.strip()))


def yes(value: Any) -> bool:
    folded = fold(text(value))
    if folded in {"", "khong", "chua", "no", "false", "0"}:
        return False
    if folded in {"co", "da chot", "x", "yes", "true", "1"}:
        return True
    raise CellError(f"'{text(value)}' phải là 'Có' hoặc 'Không'")


def time(value: Any) -> str:
    if isinstance(value, dt.time | dt.datetime):
        return f"{value:%H:%M}"
    found = re.match(r"^(\d{1,2})\s*(?:[:hg]\s*(\d{2})?)?$", text(value), re.I)
    if not found or int(found[1]) > 23:
        raise CellError(f"'{text(value)}' không phải giờ; viết theo dạng 14:00")
    return f"{int(found[1]):02d}:{found[2] or '00'}"
