"""Replaying the Phú Thọ election plan: several events, the law's days kept, Tết, a window."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.modes import Mode
from flows.replay import Replay, Replayer
from flows.scenario import ScenarioFile
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext
from kehoach.services.plans import event_rows, load_plan
from kehoach.services.status import statuses
from kehoach.settings import Settings
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow

CONFIG = bundled_config_dir()
PLAN_FILE = CONFIG / "plans" / "phu-tho-2021-bau-cu.yaml"
SCENARIO = CONFIG / "scenarios" / "phu-tho-2021-bau-cu.yaml"
PLAN = "pt-2021-bau-cu"
LOADED = dt.datetime(2021, 1, 18, 0, 0, tzinfo=dt.UTC)
END = dt.datetime(2021, 3, 5, 10, 0, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def replayed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[AppContext, Replay]]:
    home: Path = tmp_path_factory.mktemp("phu-tho")
    context = AppContext(Settings(home=home, database_url=None, apprise_config=None))
    loaded = context.load_plan_file(PLAN_FILE)
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED)
    AppContext.use(context)
    source = ScenarioFile(SCENARIO)
    scenario = source.checked(loaded.plan, loaded.calendar)
    yield context, Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run()
    AppContext.use(None)
    context.close()


def _items(context: AppContext) -> set[tuple[dt.date, str, str]]:
    with context.database.transaction() as session:
        rows = session.execute(
            select(ReminderItemRow.local_day, ReminderItemRow.step_key, ReminderItemRow.rule)
        )
        return {tuple(row) for row in rows}  # type: ignore[misc]


def test_no_sweep_runs_over_tet_or_a_weekend(replayed: tuple[AppContext, Replay]) -> None:
    _, replay = replayed
    swept = {d.day for d in replay.days if d.swept}
    tet = {dt.date(2021, 2, d) for d in range(10, 17)}
    assert not swept & tet and dt.date(2021, 2, 7) not in swept
    assert {dt.date(2021, 2, 9), dt.date(2021, 2, 17)} <= swept


def test_the_district_conference_is_moved_alone_and_named_as_a_conference(
    replayed: tuple[AppContext, Replay],
) -> None:
    context, replay = replayed
    day = next(d for d in replay.days if d.day == dt.date(2021, 1, 19))
    [confirm] = day.actions
    assert confirm.answer.startswith(
        "Đã chốt ngày hội nghị của kế hoạch pt-2021-bau-cu: 26/01/2021 (trước đó 27/01/2021); "
        "0 bước được dời hạn"
    )
    with context.database.transaction() as session:
        dates = {e: (r.date, r.confirmed) for e, r in event_rows(session, PLAN).items()}
    assert dates["hn_huyen"] == (dt.date(2021, 1, 26), True)
    assert dates["hn_xa"] == (dt.date(2021, 1, 29), True)
    assert dates["bau_cu"] == (dt.date(2021, 5, 23), True)


def test_the_sunday_deadline_is_kept_so_monday_is_late(
    replayed: tuple[AppContext, Replay],
) -> None:
    context, _ = replayed
    with context.database.transaction() as session:
        items = {s.key: s for s in statuses(session, END, PLAN)}
    assert items["4.tinh"].assessment.label == "đã hoàn thành đúng hạn"
    assert items["4.huyen@TAN_SON"].deadline == dt.date(2021, 2, 7)
    assert items["4.huyen@TAN_SON"].assessment.label == "đã hoàn thành quá hạn 1 ngày làm việc"
    assert items["4.huyen@YEN_LAP"].assessment.label == "đã hoàn thành quá hạn 2 ngày làm việc"
    assert items["HDBCQG.du_kien_don_vi"].assessment.label == "đã hoàn thành đúng hạn"
    reminded = _items(context)
    assert (dt.date(2021, 2, 5), "4.huyen@TAN_SON", "before_deadline") in reminded
    assert (dt.date(2021, 2, 8), "4.huyen@TAN_SON", "overdue") in reminded


def test_the_window_is_not_reminded_before_it_opens(replayed: tuple[AppContext, Replay]) -> None:
    context, _ = replayed
    window = {d for d, key, rule in _items(context) if key == "HDBCQG.du_kien_don_vi"}
    assert window and min(window) == dt.date(2021, 2, 22)


def test_no_message_of_the_election_plan_speaks_of_a_conference(
    replayed: tuple[AppContext, Replay],
) -> None:
    context, replay = replayed
    with context.database.transaction() as session:
        rows = session.execute(
            select(MessageRow.subject, MessageRow.body_text, MessageRow.body_short)
        ).all()
    assert len(rows) == len(replay.sent) > 20
    # The deadline bases read "105 ngày trước ngày bầu cử", never a conference.
    assert any("105 ngày trước ngày bầu cử" in body for _, body, _ in rows)
    # "Hội nghị hiệp thương" is a step's own title; what kehoach says of the event is not.
    phrases = ("ngày hội nghị", "ngày tổ chức hội nghị", "trước hội nghị", "sau hội nghị")
    assert not [row for row in rows for p in phrases if p in " ".join(row).lower()]
