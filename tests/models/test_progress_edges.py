"""A step's progress folded from its event log: each transition, in time order, up to a moment."""

from __future__ import annotations

import datetime as dt

from models.health import Progress
from models.progress import EventKind, ProgressState, StepEvent, apply, fold, transition_error


def at(day: int, hour: int = 1) -> dt.datetime:
    return dt.datetime(2024, 4, day, hour, tzinfo=dt.UTC)


def progress(day: int, status: Progress) -> StepEvent:
    return StepEvent(EventKind.PROGRESS, at(day), status=status)


def test_a_step_with_no_event_has_not_started() -> None:
    assert fold([]) == ProgressState(Progress.NOT_STARTED, None, None, None, None)


def test_starting_work_records_the_moment_of_the_update() -> None:
    state = fold([progress(2, Progress.IN_PROGRESS)])
    assert state == ProgressState(Progress.IN_PROGRESS, last_update_at=at(2))


def test_a_submission_completes_the_step_at_the_moment_it_was_submitted() -> None:
    state = fold([progress(2, Progress.IN_PROGRESS), progress(5, Progress.SUBMITTED)])
    assert state == ProgressState(Progress.SUBMITTED, last_update_at=at(5), completed_at=at(5))


def test_done_after_submitted_keeps_the_submission_moment() -> None:
    state = fold([progress(5, Progress.SUBMITTED), progress(8, Progress.DONE)])
    assert state == ProgressState(Progress.DONE, last_update_at=at(8), completed_at=at(5))


def test_reopening_a_finished_step_clears_its_completion() -> None:
    state = fold([progress(5, Progress.DONE), progress(8, Progress.IN_PROGRESS)])
    assert state == ProgressState(Progress.IN_PROGRESS, last_update_at=at(8))


def test_a_blockage_counts_from_the_first_report_while_it_lasts() -> None:
    state = fold([progress(3, Progress.BLOCKED), progress(4, Progress.BLOCKED)])
    assert state == ProgressState(Progress.BLOCKED, last_update_at=at(4), blocked_since=at(3))


def test_moving_on_from_a_blockage_forgets_when_it_began() -> None:
    state = fold([progress(3, Progress.BLOCKED), progress(4, Progress.IN_PROGRESS)])
    assert state == ProgressState(Progress.IN_PROGRESS, last_update_at=at(4))


def test_a_resolved_difficulty_puts_the_step_back_in_progress() -> None:
    resolved = StepEvent(EventKind.DIFFICULTY_RESOLVED, at(6))
    state = fold([progress(3, Progress.BLOCKED), resolved])
    assert state == ProgressState(Progress.IN_PROGRESS, last_update_at=at(6))


def test_an_extension_moves_only_the_deadline_in_force() -> None:
    extended = StepEvent(EventKind.DEADLINE_EXTENDED, at(6), extended_to=dt.date(2024, 4, 20))
    state = fold([progress(2, Progress.IN_PROGRESS), extended])
    assert state == ProgressState(
        Progress.IN_PROGRESS, last_update_at=at(2), extended_to=dt.date(2024, 4, 20)
    )


def test_events_that_are_not_about_progress_leave_the_state_alone() -> None:
    before = ProgressState(Progress.IN_PROGRESS, last_update_at=at(2))
    for kind in (EventKind.PLAN_LOADED, EventKind.DEADLINE_MOVED, EventKind.EVENT_CONFIRMED):
        assert apply(before, StepEvent(kind, at(7))) == before
    # A progress event that carries no status changes nothing either.
    assert apply(before, StepEvent(EventKind.PROGRESS, at(7))) == before


def test_events_are_folded_in_time_order_whatever_order_they_come_in() -> None:
    state = fold([progress(8, Progress.DONE), progress(2, Progress.IN_PROGRESS)])
    assert state == ProgressState(Progress.DONE, last_update_at=at(8), completed_at=at(8))


def test_a_view_as_of_a_moment_folds_the_events_up_to_and_including_it() -> None:
    events = [
        progress(2, Progress.IN_PROGRESS),
        progress(5, Progress.BLOCKED),
        progress(8, Progress.DONE),
    ]
    assert fold(events, until=at(5)).progress is Progress.BLOCKED
    assert fold(events, until=at(5) - dt.timedelta(seconds=1)).progress is Progress.IN_PROGRESS
    assert fold(events, until=None).progress is Progress.DONE


def test_nobody_may_set_a_step_back_to_not_started() -> None:
    for current in Progress:
        assert transition_error(current, Progress.NOT_STARTED) == (
            "không thể đặt lại trạng thái 'chưa bắt đầu'"
        )


def test_a_done_step_may_only_be_reopened_as_in_progress() -> None:
    refused = "bước đã hoàn thành; muốn làm lại thì đặt 'in_progress' trước"
    assert transition_error(Progress.DONE, Progress.SUBMITTED) == refused
    assert transition_error(Progress.DONE, Progress.BLOCKED) == refused
    assert transition_error(Progress.DONE, Progress.DONE) == refused
    assert transition_error(Progress.DONE, Progress.IN_PROGRESS) is None


def test_any_other_change_is_allowed() -> None:
    assert transition_error(Progress.NOT_STARTED, Progress.DONE) is None
    assert transition_error(Progress.SUBMITTED, Progress.BLOCKED) is None
    assert transition_error(Progress.BLOCKED, Progress.SUBMITTED) is None
