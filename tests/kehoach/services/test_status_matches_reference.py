"""The fast status read gives exactly what the plain reference computes: on every shipped
scenario each working day as it is replayed (the hot path), then looking back at those days
(the history path), then after the plan is closed; and on the seed plan through receipts,
'không phát sinh', a returned report, a blockage, an extension and a moved event."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from flows.modes import Mode
from flows.replay import Day, Replayer
from kehoach.paths import bundled_config_dir
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.receipts import confirm_receipt, declare_not_applicable
from kehoach.services.status import StepStatus, plan_statuses
from kehoach.store.tables import PlanRow
from models.health import Progress
from models.timeutil import vietnam_moment
from tests.conftest import SEED_LOADED_AT
from tests.kehoach.conftest import at
from tests.kehoach.services.status_reference import reference_statuses
from tests.kehoach.services.test_receipts import AWARDS, BUDGET, PLAN, receipt_seed
from tests.shipped_scenarios import SCENARIOS, shipped

CONFIG = bundled_config_dir()
SPEECH = "IV.2.speech"  # lead SLDTBXH, due 17/04/2024 for the 25/04 conference


def comparable(items: list[StepStatus]) -> list[StepStatus]:
    # The hot path never reads `received_at` (no judgement uses it); the log's fold has it.
    return [s._replace(state=s.state._replace(received_at=None)) for s in items]


def both(context: AppContext, as_of: dt.datetime) -> tuple[list[StepStatus], list[StepStatus]]:
    with context.database.transaction() as session:
        [plan_row] = session.query(PlanRow).all()
        fast = plan_statuses(session, plan_row, as_of)
        reference = reference_statuses(session, plan_row, as_of)
    return comparable(fast), comparable(reference)


def first_difference(fast: list[StepStatus], reference: list[StepStatus]) -> str:
    pairs = [(f, r) for f, r in zip(fast, reference, strict=True) if f != r]
    return f"{pairs[0][0]}\n!=\n{pairs[0][1]}" if pairs else ""


@pytest.mark.parametrize("plan_name", sorted(SCENARIOS))
def test_status_is_the_references_on_every_day_looking_back_and_once_closed(
    plan_name: str, tmp_path: Path
) -> None:
    context, loaded, source, scenario, start = shipped(plan_name, tmp_path)
    moments: list[dt.datetime] = []

    def compare_at_close_of(day: Day) -> None:
        if not (day.swept or day.actions):
            return  # a weekend or a day off: nothing new to read
        moment = vietnam_moment(day.day, dt.time(17))
        fast, reference = both(context, moment)
        assert len(fast) == len(reference) and fast == reference, first_difference(fast, reference)
        moments.append(moment)

    AppContext.use(context)
    try:
        Replayer(loaded.plan, loaded.calendar, scenario, Mode.NONE, source).run(compare_at_close_of)
        # Looking back, at 07:00 (before that day's sweep and actions): every fourth of
        # those days (half a year of days is slow through the reference), and the last.
        for moment in [start, *moments[::4], moments[-1]]:
            moment -= dt.timedelta(hours=10)
            fast, reference = both(context, moment)
            assert fast == reference, f"{moment}: {first_difference(fast, reference)}"
        closing = moments[-1] + dt.timedelta(hours=1)
        with context.database.transaction() as session:
            tracking.close_plan(session, loaded.plan.plan.id, closing)
        for moment in (moments[-1], closing, closing + dt.timedelta(days=30)):
            fast, reference = both(context, moment)
            assert fast == reference, f"{moment}: {first_difference(fast, reference)}"
    finally:
        AppContext.use(None)
        context.close()


def test_status_is_the_references_through_receipts_not_applicable_and_a_returned_report(
    context: AppContext, tmp_path: Path
) -> None:
    loaded = context.load_plan_file(receipt_seed(tmp_path / "kh.yaml"))
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    moments = [at(day, 3, hour) for day in (18, 26, 27, 28, 29) for hour in (9, 17)]
    moments += [at(day, 4, hour) for day in (1, 2, 3, 4, 5, 10, 24, 25, 26) for hour in (9, 17)]
    with context.database.transaction() as session:
        tracking.record_progress(session, AWARDS, Progress.SUBMITTED, at(27, 3, 15), by="SLDTBXH")
        tracking.record_progress(session, SPEECH, Progress.IN_PROGRESS, at(26, 3, 10))
        tracking.extend_deadline(session, SPEECH, dt.date(2024, 4, 24), at(28, 3, 10))
        tracking.record_progress(session, SPEECH, Progress.SUBMITTED, at(2, 4, 10))
    with context.database.transaction() as session:
        tracking.return_report(session, SPEECH, at(3, 4, 10), reason="Thiếu số liệu huyện")
        confirm_receipt(session, PLAN, AWARDS, "SNV", at(3, 4, 11))
        declare_not_applicable(session, PLAN, BUDGET, "SLDTBXH", at(4, 4, 10), "Không cần")
        tracking.record_progress(session, SPEECH, Progress.BLOCKED, at(5, 4, 10))
    with context.database.transaction() as session:
        tracking.resolve_difficulty(session, SPEECH, at(10, 4, 10))
        tracking.confirm_event(session, PLAN, dt.date(2024, 5, 9), at(10, 4, 11))
    for moment in moments:
        fast, reference = both(context, moment)
        assert fast == reference, f"{moment}: {first_difference(fast, reference)}"
