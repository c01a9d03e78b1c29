"""A plan with several events (the Phú Thọ election plan) gives one calendar entry per event,
each moving on its own when its date is confirmed elsewhere."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar

from kehoach.paths import bundled_config_dir
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.web.ical import feed

PHU_THO = bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
LOADED = dt.datetime(2021, 1, 18, 8, tzinfo=VIETNAM)


def event_entries(context: AppContext, now: dt.datetime) -> dict[str, object]:
    with context.database.transaction() as session:
        calendar = Calendar.from_ical(feed(session, "SNV", now))
    return {str(e["UID"]): e for e in calendar.walk("VEVENT") if "/su-kien" in str(e["UID"])}


def test_each_event_is_an_entry_of_its_own_and_moves_alone(context: AppContext) -> None:
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(PHU_THO), LOADED)
    before = event_entries(context, LOADED)
    events = ("bau_cu", "hn_huyen", "hn_tinh", "hn_xa")
    assert sorted(before) == [f"pt-2021-bau-cu/su-kien-{event}@kehoach" for event in events]
    election = before["pt-2021-bau-cu/su-kien-bau_cu@kehoach"]
    assert election["DTSTART"].dt == dt.date(2021, 5, 23)  # type: ignore[index]
    assert election["SEQUENCE"] == 0  # type: ignore[index]
    moved_at = dt.datetime(2021, 1, 20, 9, tzinfo=VIETNAM)
    with context.database.transaction() as session:
        tracking.confirm_event(
            session, None, dt.date(2021, 5, 30), moved_at, event_id="bau_cu", force=True
        )
    after = event_entries(context, moved_at)
    moved = after["pt-2021-bau-cu/su-kien-bau_cu@kehoach"]
    assert moved["DTSTART"].dt == dt.date(2021, 5, 30)  # type: ignore[index]
    assert moved["SEQUENCE"] == 1  # type: ignore[index]
    tinh = "pt-2021-bau-cu/su-kien-hn_tinh@kehoach"
    assert after[tinh]["SEQUENCE"] == before[tinh]["SEQUENCE"]  # type: ignore[index]
