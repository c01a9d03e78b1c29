"""Working-day calendar: which days a Vietnamese agency works, and arithmetic over them.

The core (`WorkingCalendar`) is pure: it never reads the clock or files, and imports no
framework. `vietnam_calendar` builds one from the `holidays` package plus a province's
overrides; `load_overrides` is the only function here that touches the file system.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Self

import pydantic
import yaml

# From 2010: plans and reporting calendars of the early 2010s are shipped examples
# (Bà Rịa–Vũng Tàu, 2012); the holidays package knows those years' days off too.
DEFAULT_YEARS = range(2010, 2041)

WEEKDAY_NAMES = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


class DayOffRule(StrEnum):
    """What a due day that falls on a day off becomes (docs/deadlines-and-status.md)."""

    # Bộ luật Dân sự 2015, Điều 148 khoản 5: a period ending on a day off ends on the
    # next working day after it.
    NEXT_WORKING_DAY = "next_working_day"
    # The day stays (election deadlines under Luật Bầu cử are fixed calendar days).
    KEEP = "keep"


@dataclass(frozen=True)
class DayOff:
    day: date
    name: str


class CalendarError(ValueError):
    """A calendar that cannot be built; the message (Vietnamese) says what to fix."""


class WorkingCalendar:
    """Working days = weekdays outside `weekend`, minus `days_off`, plus `working_weekend_days`.

    Working days of `precomputed_years` are kept as a sorted list of ordinals so every
    operation is a bisect. Outside those years the same rule is evaluated day by day:
    slower, never different.
    """

    def __init__(
        self,
        days_off: Mapping[date, str],
        working_weekend_days: Iterable[date] = (),
        weekend: frozenset[int] = frozenset({5, 6}),
        *,
        precomputed_years: range = DEFAULT_YEARS,
    ) -> None:
        # Ordinal keys make lookups cheap and treat a datetime as the day it falls on.
        self._days_off = {day.toordinal(): name for day, name in days_off.items()}
        self._working_weekend = frozenset(day.toordinal() for day in working_weekend_days)
        self._weekend = frozenset(weekend)
        self._check_consistent()
        self._first = date(precomputed_years.start, 1, 1).toordinal()
        self._last = date(precomputed_years.stop - 1, 12, 31).toordinal()
        self._ordinals = [o for o in range(self._first, self._last + 1) if self._works(o)]
        self._identity = (
            frozenset(self._days_off.items()), self._working_weekend, self._weekend,
            self._first, self._last,
        )  # fmt: skip
        self._hash = hash(self._identity)

    def __eq__(self, other: object) -> bool:
        """Equal when built from the same days: plans on one calendar can share judgements."""
        if not isinstance(other, WorkingCalendar):
            return NotImplemented
        return self is other or (self._hash == other._hash and self._identity == other._identity)

    def __hash__(self) -> int:
        return self._hash

    def _check_consistent(self) -> None:
        if not self._weekend <= set(range(7)) or len(self._weekend) == 7:
            raise CalendarError(f"Ngày cuối tuần không hợp lệ: {sorted(self._weekend)}")
        both = sorted(self._working_weekend & self._days_off.keys())
        if both:
            listed = ", ".join(date.fromordinal(o).strftime("%d/%m/%Y") for o in both)
            raise CalendarError(f"Ngày vừa là ngày nghỉ vừa là ngày làm việc: {listed}")

    def _works(self, ordinal: int) -> bool:
        if ordinal in self._working_weekend:
            return True
        # date.weekday() is (ordinal + 6) % 7; computed here to avoid building a date.
        return (ordinal + 6) % 7 not in self._weekend and ordinal not in self._days_off

    def is_working_day(self, day: date) -> bool:
        return self._works(day.toordinal())

    def day_off_reason(self, day: date) -> str | None:
        ordinal = day.toordinal()
        if self._works(ordinal):
            return None
        # A holiday falling on a weekend is reported by its own name: it says more.
        return self._days_off.get(ordinal, WEEKDAY_NAMES[day.weekday()])

    def named_days_off(self, start: date, end: date) -> list[DayOff]:
        """Declared days off (holidays, swapped days) in [start, end]; plain weekends left out."""
        first, last = start.toordinal(), end.toordinal()
        return [
            DayOff(date.fromordinal(o), name)
            for o, name in sorted(self._days_off.items())
            if first <= o <= last
        ]

    def make_up_days(self, start: date, end: date) -> list[date]:
        """Weekend days in [start, end] that are worked (make-up Saturdays)."""
        first, last = start.toordinal(), end.toordinal()
        return [date.fromordinal(o) for o in sorted(self._working_weekend) if first <= o <= last]

    def add_working_days(self, day: date, n: int) -> date:
        if n == 0:
            return day
        ordinal = day.toordinal()
        if self._first <= ordinal <= self._last:
            # Index of the answer in the precomputed list, counting from `day` exclusive.
            if n > 0:
                index = bisect_right(self._ordinals, ordinal) + n - 1
            else:
                index = bisect_left(self._ordinals, ordinal) + n
            if 0 <= index < len(self._ordinals):
                return date.fromordinal(self._ordinals[index])
        return date.fromordinal(self._walk(ordinal, n))

    def _walk(self, ordinal: int, n: int) -> int:
        step = 1 if n > 0 else -1
        remaining = abs(n)
        while remaining:
            ordinal += step
            remaining -= self._works(ordinal)
        return ordinal

    def working_days_between(self, start: date, end: date) -> int:
        first, last = start.toordinal(), end.toordinal()
        if self._first <= first <= self._last and self._first <= last <= self._last:
            # Hot path (every health check): both ends inside the precomputed years.
            ordinals = self._ordinals
            return bisect_right(ordinals, last) - bisect_right(ordinals, first)
        if first > last:
            return -self.working_days_between(end, start)
        # Only the parts of (first, last] outside the precomputed years are walked.
        low, high = max(first, self._first - 1), min(last, self._last)
        if low >= high:
            return self._count_by_walk(first, last)
        inside = bisect_right(self._ordinals, high) - bisect_right(self._ordinals, low)
        return self._count_by_walk(first, low) + inside + self._count_by_walk(high, last)

    def _count_by_walk(self, first: int, last: int) -> int:
        return sum(self._works(o) for o in range(first + 1, last + 1))

    def next_working_day(self, day: date) -> date:
        return day if self.is_working_day(day) else self.add_working_days(day, 1)

    def previous_working_day(self, day: date) -> date:
        return day if self.is_working_day(day) else self.add_working_days(day, -1)


NonEmptyName = Annotated[str, pydantic.StringConstraints(strip_whitespace=True, min_length=1)]


class CalendarBasis(pydantic.BaseModel):
    """The document that decided a day: 'Thông báo số 5015/TB-LĐTBXH', its date, its issuer."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    document: NonEmptyName
    article: NonEmptyName | None = None  # "Điều 112", "khoản 3 Điều 111"
    issued: date | None = None
    issuer: NonEmptyName | None = None

    def describe(self) -> str:
        """'Điều 112 Bộ luật Lao động số 45/2019/QH14 ngày 20/11/2019 của Quốc hội'."""
        article = f"{self.article} " if self.article else ""
        issued = f" ngày {self.issued:%d/%m/%Y}" if self.issued else ""
        issuer = f" của {self.issuer}" if self.issuer else ""
        return f"{article}{self.document}{issued}{issuer}"


class DeclaredDay(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    day: date
    name: NonEmptyName
    basis: list[CalendarBasis] = pydantic.Field(default_factory=list)
    # False when the deciding document could not be checked against its text: shown as such.
    basis_confirmed: bool = True

    @property
    def confirmed(self) -> bool:
        return self.basis_confirmed and bool(self.basis)


class CalendarOverrides(pydantic.BaseModel):
    """What a province declares on top of the national calendar."""

    model_config = pydantic.ConfigDict(extra="forbid", frozen=True)

    extra_days_off: list[DeclaredDay] = pydantic.Field(default_factory=list)
    extra_working_days: list[DeclaredDay] = pydantic.Field(default_factory=list)

    @pydantic.model_validator(mode="after")
    def _each_day_declared_once(self) -> Self:
        # A day listed twice is a typo or a contradiction; refuse it at load time.
        days = [d.day for d in [*self.extra_days_off, *self.extra_working_days]]
        repeated = sorted({d for d in days if days.count(d) > 1})
        if repeated:
            listed = ", ".join(d.strftime("%d/%m/%Y") for d in repeated)
            raise ValueError(f"ngày được khai báo nhiều lần: {listed}")
        return self

    def merged(self, top: CalendarOverrides) -> CalendarOverrides:
        """These days with `top` on top: what `top` declares of a day replaces what we said."""
        replaced = {d.day for d in [*top.extra_days_off, *top.extra_working_days]}
        return CalendarOverrides(
            extra_days_off=[
                *(d for d in self.extra_days_off if d.day not in replaced),
                *top.extra_days_off,
            ],
            extra_working_days=[
                *(d for d in self.extra_working_days if d.day not in replaced),
                *top.extra_working_days,
            ],
        )

    def declared(self, day: date) -> DeclaredDay | None:
        return next(
            (d for d in [*self.extra_days_off, *self.extra_working_days] if d.day == day), None
        )


class CalendarDay(NamedTuple):
    """One line of a year's calendar as `kehoach lich` shows it."""

    day: date
    name: str
    working: bool  # a make-up working day rather than a day off
    basis: tuple[CalendarBasis, ...]
    confirmed: bool


MAKE_UP_DAY = "Làm bù"


def year_days(
    calendar: WorkingCalendar, declared: CalendarOverrides, year: int
) -> list[CalendarDay]:
    """The declared days off and make-up days of `year`, each with what decided it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    days = [
        _entry(off.day, off.name, False, declared) for off in calendar.named_days_off(start, end)
    ]
    days += [_entry(day, MAKE_UP_DAY, True, declared) for day in calendar.make_up_days(start, end)]
    return sorted(days)


def _entry(day: date, name: str, working: bool, declared: CalendarOverrides) -> CalendarDay:
    # A day only the holidays package knows has no document here: unconfirmed.
    found = declared.declared(day)
    if found is None:
        return CalendarDay(day, name, working, (), False)
    return CalendarDay(day, found.name, working, tuple(found.basis), found.confirmed)


def vietnam_calendar(
    overrides: CalendarOverrides | None = None, years: range = DEFAULT_YEARS
) -> WorkingCalendar:
    """National Vietnamese calendar for `years` (swapped days off included), then `overrides`."""
    # Imported here so the arithmetic never depends on the data package, only this factory.
    import holidays

    national = holidays.country_holidays("VN", years=years, language="vi")
    days_off = {day: official_label(name) for day, name in national.items()}
    # The package also lists make-up Saturdays of neighbouring years; keep only ours.
    working = {day for day in national.weekend_workdays if day.year in years}
    _apply_overrides(days_off, working, overrides or CalendarOverrides())
    return WorkingCalendar(days_off, working, frozenset(national.weekend), precomputed_years=years)


_PACKAGE_SWAP = re.compile(r"^Ngày nghỉ \(thay cho ngày (\d{2})/(\d{2})/(\d{4})\)$")
_OBSERVED = " (nghỉ bù)"


def official_label(name: str) -> str:
    """The label officials write for a `holidays` package name ('Tết Nguyên đán', not '29 Tết')."""
    swap = _PACKAGE_SWAP.match(name)
    if swap:
        day, month, year = (int(part) for part in swap.groups())
        make_up = date(year, month, day)
        weekday = WEEKDAY_NAMES[make_up.weekday()]
        return f"Nghỉ hoán đổi, làm bù {weekday[0].lower()}{weekday[1:]} {make_up:%d/%m/%Y}"
    base = name.removesuffix(_OBSERVED)
    suffix = _OBSERVED if base != name else ""
    # Every day of the Tết break is "Tết Nguyên đán" in the notices, whichever lunar day it is.
    if "Tết Nguyên Đán" in base or base == "29 Tết":
        base = "Tết Nguyên đán"
    if base == "Ngày Giỗ Tổ Hùng Vương":
        base = "Giỗ Tổ Hùng Vương"
    return base + suffix


def _apply_overrides(
    days_off: dict[date, str], working: set[date], overrides: CalendarOverrides
) -> None:
    # The province has the last word over the national calendar, in both directions.
    for declared in overrides.extra_days_off:
        days_off[declared.day] = declared.name
        working.discard(declared.day)
    for declared in overrides.extra_working_days:
        days_off.pop(declared.day, None)
        working.add(declared.day)


def load_overrides(path: str | os.PathLike[str]) -> CalendarOverrides:
    """Read a `config/calendars/*.yaml` file; any problem becomes a `CalendarError`.

    A file may start from another with `extends: vn.yaml` (relative to itself): a province
    then lists only its own days, and what it declares of a day wins over the base file.
    """
    return _load(Path(path), ())


def _load(file: Path, seen: tuple[Path, ...]) -> CalendarOverrides:
    raw = _read(file)
    base = raw.pop("extends", None) if isinstance(raw, dict) else None
    if isinstance(raw, dict):
        # Only there to be referred to by YAML anchors; the days carry the documents they use.
        raw.pop("documents", None)
    try:
        own = CalendarOverrides.model_validate(raw or {})
    except pydantic.ValidationError as error:
        raise CalendarError(_describe_invalid(file, error)) from error
    if base is None:
        return own
    base_file = (file.parent / str(base)).resolve()
    if base_file in seen or base_file == file.resolve():
        raise CalendarError(f"{file}: 'extends: {base}' dẫn vòng trở lại chính tệp này.")
    return _load(base_file, (*seen, file.resolve())).merged(own)


def _read(file: Path) -> Any:
    try:
        return yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as error:
        raise CalendarError(f"{file}: không đọc được tệp lịch ({error.strerror}).") from error
    except yaml.YAMLError as error:
        raise CalendarError(f"{file}: tệp lịch không phải YAML hợp lệ: {error}") from error


def _describe_invalid(path: Path, error: pydantic.ValidationError) -> str:
    problems = [f"  - {_location(e['loc'])}: {e['msg']}" for e in error.errors()]
    return "\n".join([f"{path}: tệp lịch có lỗi, hãy sửa rồi chạy lại:", *problems])


def _location(loc: tuple[Any, ...]) -> str:
    # ("extra_days_off", 0, "name") -> "extra_days_off[0].name", as a person reads the YAML.
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(toàn tệp)"
