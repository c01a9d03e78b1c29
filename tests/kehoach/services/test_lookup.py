"""A use case gets the national calendar with its session, never from a process-wide global."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

from kehoach.services.context import AppContext
from kehoach.services.lookup import NATIONAL_CALENDAR, get_plan, national_calendar, plan_of
from kehoach.store.session import Database
from models.calendar import CalendarOverrides, DeclaredDay

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"
SERVICES = Path(__file__).resolve().parents[3] / "kehoach" / "services"
FRIDAY = dt.date(2024, 4, 19)


def province_off_on_friday() -> CalendarOverrides:
    return CalendarOverrides(extra_days_off=[DeclaredDay(day=FRIDAY, name="Nghỉ theo tỉnh")])


def test_a_plans_calendar_comes_from_the_national_calendar_its_session_carries(
    seeded: AppContext,
) -> None:
    other = Database(seeded.settings.sqlalchemy_url, {NATIONAL_CALENDAR: province_off_on_friday()})
    try:
        with other.transaction() as session:
            _, province = plan_of(session, get_plan(session, PLAN_ID))
    finally:
        other.dispose()
    with seeded.database.transaction() as session:
        _, national = plan_of(session, get_plan(session, PLAN_ID))
    assert province.day_off_reason(FRIDAY) == "Nghỉ theo tỉnh"
    assert national.is_working_day(FRIDAY)


def test_the_process_context_no_longer_decides_a_services_calendar(seeded: AppContext) -> None:
    # Another context made current must not change what a session already opened sees.
    with seeded.database.transaction() as session:
        AppContext.use(AppContext(seeded.settings))
        try:
            _, calendar = plan_of(session, get_plan(session, PLAN_ID))
        finally:
            AppContext.use(seeded)
    assert calendar.is_working_day(FRIDAY)


def test_the_app_context_opens_its_sessions_with_its_national_calendar(
    seeded: AppContext,
) -> None:
    with seeded.database.transaction() as session:
        assert national_calendar(session) == seeded.national_calendar


def test_a_database_opened_without_a_calendar_gives_the_bare_national_one(
    seeded: AppContext,
) -> None:
    bare = Database(seeded.settings.sqlalchemy_url)
    try:
        with bare.transaction() as session:
            assert national_calendar(session) is None
            _, calendar = plan_of(session, get_plan(session, PLAN_ID))
    finally:
        bare.dispose()
    assert calendar.day_off_reason(dt.date(2024, 4, 18)) == "Giỗ Tổ Hùng Vương"


def _looked_up_contexts(path: Path) -> list[int]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr in {"current", "use"}
        and isinstance(node.value, ast.Name)
        and node.value.id == "AppContext"
    ]


def test_no_use_case_looks_up_the_process_context() -> None:
    found = {
        path.name: lines
        for path in SERVICES.glob("*.py")
        if path.name != "context.py" and (lines := _looked_up_contexts(path))
    }
    assert found == {}
