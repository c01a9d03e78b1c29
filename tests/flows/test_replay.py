"""Replaying the seed plan: the expected reminders on the expected days, none on days off."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from flows.modes import Mode
from flows.replay import Replay, Replayer, ReplayError, key_days
from flows.scenario import ScenarioFile
from kehoach.cli.orchestration import agency_page
from kehoach.paths import bundled_config_dir, seed_plan_path
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from kehoach.store.planfile import LoadedPlan
from kehoach.store.tables import EventRow
from models.health import local_day
from tests.conftest import SEED_LOADED_AT

DEMO = bundled_config_dir() / "scenarios" / "ninh-thuan-2024-demo.yaml"
PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def _seeded(home: Path) -> tuple[AppContext, LoadedPlan]:
    context = AppContext(Settings(home=home, database_url=None, apprise_config=None))
    loaded = context.load_plan_file(seed_plan_path())
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    return context, loaded


@pytest.fixture
def demo_replay(tmp_path: Path) -> Iterator[tuple[AppContext, Replay]]:
    context, loaded = _seeded(tmp_path / "demo")
    AppContext.use(context)
    source = ScenarioFile(DEMO)
    scenario = source.checked(loaded.plan, loaded.calendar)
    yield context, Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run()
    AppContext.use(None)


def _items(context: AppContext) -> set[tuple[dt.date, str, str, str, int]]:
    with context.database.transaction() as session:
        rows = session.execute(
            select(
                ReminderItemRow.local_day,
                ReminderItemRow.recipient,
                ReminderItemRow.step_key,
                ReminderItemRow.rule,
                ReminderItemRow.rung,
            )
        )
        return {tuple(row) for row in rows}  # type: ignore[misc]


def test_nothing_is_sent_on_a_weekend_or_a_holiday(demo_replay) -> None:
    _, replay = demo_replay
    days_off = [d for d in replay.days if d.day.weekday() >= 5 or d.day_off]
    assert {dt.date(2024, 4, 18), dt.date(2024, 4, 29), dt.date(2024, 5, 1)} <= {
        d.day for d in days_off
    }
    assert all(d.all_sent == [] for d in days_off)


def test_every_message_goes_out_on_the_day_its_reminders_were_due(demo_replay) -> None:
    context, _ = demo_replay
    with context.database.transaction() as session:
        rows = session.execute(
            select(ReminderItemRow.local_day, MessageRow.sent_at).join(
                MessageRow, ReminderItemRow.message_id == MessageRow.id
            )
        ).all()
    assert rows and all(sent and local_day(sent) == day for day, sent in rows)


EXPECTED = [
    # Results report due 27/03: 5 working days before.
    (dt.date(2024, 3, 20), "SLDTBXH", "IV.2.results_report", "before_deadline", 0),
    # The difficulty reported at 16:00 on 28/03 goes to the difficulty route next morning
    # (not to Sở LĐTB&XH, which reported it); unresolved 3 working days, to the Chairman.
    (dt.date(2024, 3, 29), "SNV", "IV.2.award_proposals", "blocked", 0),
    (dt.date(2024, 4, 2), "CT_UBND", "IV.2.award_proposals", "blocked", 1),
    # Resolved on 02/04, but 3 working days late on 03/04: cooperating agencies are told.
    (dt.date(2024, 4, 3), "THUAN_NAM", "IV.2.award_proposals", "overdue", 1),
    # The date is still open 10 working days before 25/04; confirmed for 26/04 at 10:00.
    (dt.date(2024, 4, 10), "SLDTBXH", "#event", "event_unconfirmed", 0),
    (dt.date(2024, 4, 10), "THUAN_NAM", "IV.1.presentations@THUAN_NAM", "deadline_moved", 0),
    # Thuận Nam's presentation, due 16/04, escalates to the coordinator 3 working days late
    # (17/04, 19/04, 22/04: the 18/04 holiday does not count).
    (dt.date(2024, 4, 17), "THUAN_NAM", "IV.1.presentations@THUAN_NAM", "overdue", 0),
    (dt.date(2024, 4, 22), "SLDTBXH", "IV.1.presentations@THUAN_NAM", "overdue", 1),
    # Six working days late on 25/04: the ladder's leadership rung (issue 9).
    (dt.date(2024, 4, 25), "PCT_UBND", "IV.1.presentations@THUAN_NAM", "overdue", 2),
    (dt.date(2024, 4, 25), "VPUBND", "IV.1.presentations@THUAN_NAM", "overdue", 2),
]


def test_the_expected_reminders_are_due_on_the_expected_days(demo_replay) -> None:
    context, _ = demo_replay
    items = _items(context)
    assert set(EXPECTED) <= items
    # Bác Ái's presentation arrived on 19/04, before any escalation.
    late = {i for i in items if i[2] == "IV.1.presentations@BAC_AI" and i[3] == "overdue"}
    assert {i[4] for i in late} == {0}


def test_the_timeline_keeps_each_days_actions_and_messages(demo_replay) -> None:
    _, replay = demo_replay
    day = next(d for d in replay.days if d.day == dt.date(2024, 4, 10))
    assert day.swept and not day.via_prefect and day.sent
    [confirm] = day.actions
    assert "26/04/2024" in confirm.answer and len(confirm.sent) > 20
    assert replay.flow_runs == 0 and replay.prefect_days == []


def test_key_days_are_each_weeks_first_the_decisions_and_the_event(demo_replay) -> None:
    context, _ = demo_replay
    loaded = context.load_plan_file(seed_plan_path())
    scenario = ScenarioFile(DEMO).checked(loaded.plan, loaded.calendar)
    days = key_days(scenario, loaded.calendar, {dt.date(2024, 4, 26)})
    assert {dt.date(2024, 3, 15), dt.date(2024, 3, 18), dt.date(2024, 4, 22)} <= days
    assert {dt.date(2024, 4, 2), dt.date(2024, 4, 3), dt.date(2024, 4, 10)} <= days
    assert {dt.date(2024, 4, 26), dt.date(2024, 5, 3)} <= days
    assert all(loaded.calendar.is_working_day(d) for d in days)


def test_a_refused_action_stops_the_replay_at_its_line(context: AppContext, tmp_path: Path) -> None:
    seeded, loaded = _seeded(tmp_path / "bad")
    AppContext.use(seeded)
    path = tmp_path / "kich-ban.yaml"
    path.write_text(
        f"title: Thử\nplan: {PLAN_ID}\nstart: 2024-03-18\nend: 2024-03-19\nactions:\n"
        "  - {day: 2024-03-18, do: resolve, step: IV.2.programme}\n",
        encoding="utf-8",
    )
    source = ScenarioFile(path)
    scenario = source.checked(loaded.plan, loaded.calendar)
    with pytest.raises(ReplayError) as raised:
        Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run()
    assert "kich-ban.yaml:6 actions[0]" in raised.value.message
    assert "không có vướng mắc đang mở" in raised.value.message


def _sent_by_day(replay: Replay) -> dict[dt.date, set[tuple[str, str]]]:
    return {d.day: {(m.recipient, m.subject) for m in d.all_sent} for d in replay.days}


def test_a_day_through_prefect_sends_what_the_direct_service_sends(
    context: AppContext, tmp_path: Path
) -> None:
    results = {}
    for mode in (Mode.ALL, Mode.NONE):
        seeded, loaded = _seeded(tmp_path / mode.value)
        AppContext.use(seeded)
        scenario = ScenarioFile(DEMO).checked(loaded.plan, loaded.calendar)
        window = scenario.model_copy(
            update={"start": dt.date(2024, 4, 9), "end": dt.date(2024, 4, 11)}
        )
        page = agency_page(seeded)
        results[mode] = Replayer(loaded.plan, loaded.calendar, window, mode, None, page).run()
    prefect, direct = results[Mode.ALL], results[Mode.NONE]
    assert _sent_by_day(prefect) == _sent_by_day(direct)
    assert prefect.prefect_days == [dt.date(2024, 4, d) for d in (9, 10, 11)]
    actions = [done for day in prefect.days for done in day.actions]
    decisions = [done for done in actions if not done.page]
    # 09/04–11/04: three agencies' own reports, the event date and an extension decided.
    assert (len(actions), len(decisions)) == (5, 2)
    # A plan run and 5 responsibility runs a day, and a form run per decision only.
    assert prefect.flow_runs == 3 * 6 + len(decisions)


def test_an_agencys_own_report_is_recorded_as_its_page_records_it(tmp_path: Path) -> None:
    seeded, loaded = _seeded(tmp_path / "trang")
    AppContext.use(seeded)
    try:
        scenario = ScenarioFile(DEMO).checked(loaded.plan, loaded.calendar)
        window = scenario.model_copy(
            update={"start": dt.date(2024, 3, 18), "end": dt.date(2024, 4, 2)}
        )
        page = agency_page(seeded)
        replay = Replayer(loaded.plan, loaded.calendar, window, Mode.NONE, None, page).run()
    finally:
        AppContext.use(None)
    done = [d for day in replay.days for d in day.actions]
    assert [d.page for d in done] == [True] * 9 + [False]  # the resolution is the coordinator's
    assert done[0].answer.startswith("Đã ghi nhận:") and "đang thực hiện" in done[0].answer
    with seeded.database.transaction() as session:
        origins = session.execute(
            select(EventRow.actor, EventRow.data["via"].as_string()).where(
                EventRow.kind.in_(["progress", "difficulty_resolved"])
            )
        ).all()
        told = session.scalars(
            select(ReminderItemRow.step_key).where(ReminderItemRow.rule == "self_reported")
        ).all()
    assert set(origins) == {
        ("SLDTBXH", "link"),
        ("BAO_NT", "link"),
        ("DAI_PTTH", "link"),
        ("SNV", "link"),  # its report on the draft
        ("SNV", None),  # its resolution of the difficulty, a coordinator's form
    }
    # The coordinator (Sở LĐTB&XH) is told what the others reported through their links.
    assert {"IV.5.coverage@BAO_NT", "IV.5.coverage@DAI_PTTH", "IV.3.summary_report_draft"} == set(
        told
    )


def test_the_replay_sweeps_on_the_make_up_saturday_and_not_on_the_day_it_replaces(
    tmp_path: Path,
) -> None:
    from flows.scenario import Scenario

    context, loaded = _seeded(tmp_path / "bu")
    AppContext.use(context)
    try:
        scenario = Scenario(
            title="Tuần nghỉ lễ 30/4",
            plan=PLAN_ID,
            start=dt.date(2024, 4, 27),
            end=dt.date(2024, 5, 5),
        )
        replay = Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE).run()
    finally:
        AppContext.use(None)
    swept = [d.day for d in replay.days if d.swept]
    assert swept == [dt.date(2024, 5, 2), dt.date(2024, 5, 3), dt.date(2024, 5, 4)]
    named = {d.day: d.day_off for d in replay.days if d.day_off}
    assert named[dt.date(2024, 4, 29)] == loaded.calendar.day_off_reason(dt.date(2024, 4, 29))
    assert dt.date(2024, 4, 28) not in named  # a plain Sunday is not worth a line


def test_a_replayed_sweep_never_asks_prefect_for_its_default_result_storage(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from prefect.client.orchestration import SyncPrefectClient

    from flows.plan import plan_flow
    from flows.replay import top_level

    asked: list[str] = []
    read = SyncPrefectClient.read_server_default_result_storage

    def counted(client: SyncPrefectClient) -> object:
        asked.append("storage")
        return read(client)

    monkeypatch.setattr(SyncPrefectClient, "read_server_default_result_storage", counted)
    seeded, _ = _seeded(tmp_path / "luu")
    AppContext.use(seeded)
    try:
        moment = dt.datetime(2024, 4, 9, 1, tzinfo=dt.UTC)
        top_level(plan_flow)(plan_id=PLAN_ID, as_of=moment, return_state=True)
        assert asked == []
        plan_flow(plan_id=PLAN_ID, as_of=moment, return_state=True)  # Prefect's own way
        assert asked  # it asks at each top-level run
    finally:
        AppContext.use(None)


def test_a_report_through_a_page_the_agency_does_not_lead_is_refused_with_nothing_written(
    tmp_path: Path,
) -> None:
    from kehoach.errors import UserError
    from kehoach.web.app import report_as_agency

    seeded, _ = _seeded(tmp_path / "khong-chu-tri")
    moment = dt.datetime(2024, 3, 18, 2, tzinfo=dt.UTC)
    fields = {"status": "in_progress", "note": "", "link": ""}
    with pytest.raises(UserError, match="BAO_NT không chủ trì việc “Xây dựng chương trình"):
        report_as_agency(seeded, PLAN_ID, "IV.2.programme", "BAO_NT", fields, moment)
    with seeded.database.transaction() as session:
        kinds = session.scalars(select(EventRow.kind).where(EventRow.kind == "progress")).all()
    assert kinds == []
