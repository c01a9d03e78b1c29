"""Several events per plan (the Phú Thọ election plan): each confirmed or moved on its own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import select

from kehoach.errors import UserError
from kehoach.paths import bundled_config_dir
from kehoach.present.answers import event_confirmed
from kehoach.present.tables import deadline_text, event_caption
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.plans import event_rows, load_plan
from kehoach.services.status import event_date_in_force, statuses
from kehoach.services.sweep import evaluate
from kehoach.store.tables import DeadlineRow, PlanRow
from models.reminders import Rule

PLAN = "pt-2021-bau-cu"
PHU_THO = bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml"
VIETNAM = dt.timezone(dt.timedelta(hours=7))
LOADED = dt.datetime(2021, 1, 18, 8, tzinfo=VIETNAM)


def at(day: int, month: int, hour: int = 8) -> dt.datetime:
    return dt.datetime(2021, month, day, hour, tzinfo=VIETNAM)


@pytest.fixture
def election(context: AppContext) -> AppContext:
    loaded = context.load_plan_file(PHU_THO)
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED)
    return context


def _deadline(context: AppContext, key: str, now: dt.datetime) -> dt.date:
    with context.database.transaction() as session:
        return next(s.deadline for s in statuses(session, now, PLAN) if s.key == key)


def test_each_event_is_kept_with_its_date_and_whether_it_is_confirmed(
    election: AppContext,
) -> None:
    with election.database.transaction() as session:
        rows = event_rows(session, PLAN)
        plan_row = session.get_one(PlanRow, PLAN)
        kept = {e: (r.date, r.confirmed) for e, r in rows.items()}
        main = (plan_row.event_date, plan_row.event_confirmed)
    assert kept == {
        "hn_tinh": (dt.date(2021, 1, 21), True),
        "hn_huyen": (dt.date(2021, 1, 27), False),
        "hn_xa": (dt.date(2021, 1, 29), False),
        "bau_cu": (dt.date(2021, 5, 23), True),
    }
    assert main == (dt.date(2021, 1, 21), True)  # the first event is the plan's main one


def test_moving_one_event_moves_only_the_deadlines_counted_from_it(
    election: AppContext,
) -> None:
    with election.database.transaction() as session:
        district = tracking.confirm_event(
            session, PLAN, dt.date(2021, 1, 26), at(19, 1), event_id="hn_huyen"
        )
    assert (district.old_date, district.moved_steps) == (dt.date(2021, 1, 27), [])
    with election.database.transaction() as session:
        # A hypothetical move of the election day by a week.
        vote = tracking.confirm_event(
            session, PLAN, dt.date(2021, 5, 30), at(20, 1), event_id="bau_cu"
        )
    assert "4.tinh" in vote.moved_steps and "HDBCQG.tai_lieu" in vote.moved_steps
    assert _deadline(election, "4.tinh", at(21, 1)) == dt.date(2021, 2, 14)
    assert _deadline(election, "4.tinh", at(19, 1, hour=12)) == dt.date(2021, 2, 7)
    with election.database.transaction() as session:
        row = session.get_one(PlanRow, PLAN)
        history = session.scalars(
            select(DeadlineRow).where(DeadlineRow.step_key.is_(None)).order_by(DeadlineRow.id)
        ).all()
        vote_then = event_date_in_force(session, row, at(19, 1, hour=12), "bau_cu")
        vote_now = event_date_in_force(session, row, at(21, 1), "bau_cu")
        district_now = event_date_in_force(session, row, at(21, 1), "hn_huyen")
    assert [(h.event_id, h.deadline, h.reason) for h in history][-2:] == [
        ("hn_huyen", dt.date(2021, 1, 26), "event_moved"),
        ("bau_cu", dt.date(2021, 5, 30), "event_moved"),
    ]
    assert (vote_then, vote_now, district_now) == (
        dt.date(2021, 5, 23),
        dt.date(2021, 5, 30),
        dt.date(2021, 1, 26),
    )


def test_a_plan_with_several_events_asks_which_one_is_meant(election: AppContext) -> None:
    with election.database.transaction() as session, pytest.raises(UserError) as raised:
        tracking.confirm_event(session, PLAN, dt.date(2021, 1, 26), at(19, 1))
    assert raised.value.message.startswith("Kế hoạch có nhiều sự kiện; chọn một trong: hn_tinh (")
    assert "bau_cu (Ngày bầu cử" in raised.value.message
    with election.database.transaction() as session, pytest.raises(UserError) as raised:
        tracking.confirm_event(session, PLAN, dt.date(2021, 1, 26), at(19, 1), event_id="x")
    assert raised.value.message.startswith("Không có sự kiện 'x'; chọn một trong:")


def test_the_answer_and_the_history_speak_of_the_election_not_a_conference(
    election: AppContext,
) -> None:
    with election.database.transaction() as session:
        change = tracking.confirm_event(
            session, PLAN, dt.date(2021, 5, 30), at(20, 1), event_id="bau_cu"
        )
    answer = event_confirmed(PLAN, change.new_date, change.old_date, 3, 0, change.kind)
    assert answer.startswith("Đã chốt ngày bầu cử của kế hoạch pt-2021-bau-cu: 30/05/2021")
    assert "hội nghị" not in answer


def test_status_shows_a_window_and_the_election_day_deadline_kept_on_a_sunday(
    election: AppContext,
) -> None:
    with election.database.transaction() as session:
        items = {s.key: s for s in statuses(session, at(18, 2), PLAN)}
    window = items["HDBCQG.du_kien_don_vi"]
    assert deadline_text(window) == "từ 22/02/2021 đến 27/02/2021 (theo văn bản kế hoạch)"
    assert items["4.tinh"].deadline == dt.date(2021, 2, 7)  # Chủ nhật, kept by the plan
    assert event_caption(list(items.values())).startswith("Ngày hội nghị tại thời điểm này")


def test_before_its_window_opens_a_step_is_not_reminded_as_due(election: AppContext) -> None:
    def reminded(now: dt.datetime) -> set[Rule]:
        with election.database.transaction() as session:
            row = session.get_one(PlanRow, PLAN)
            return {i.rule for i in evaluate(session, row, now) if i.step_key.endswith("don_vi")}

    # Friday 19/02: five working days to 27/02, but the window opens on Monday 22/02.
    assert Rule.BEFORE_DEADLINE not in reminded(at(19, 2, hour=9))
    assert Rule.BEFORE_DEADLINE in reminded(at(22, 2, hour=9))


def test_the_plan_file_is_valid_and_warns_of_the_deadlines_kept_on_days_off(
    context: AppContext, tmp_path: Path
) -> None:
    loaded = context.load_plan_file(PHU_THO)
    assert [w.split(": ", 1)[1] for w in loaded.warnings] == [
        "hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch",
        "hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch",
        "hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch",
        "hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch",
        "hạn 27/02/2021 là Thứ Bảy, giữ nguyên theo kế hoạch",
    ]
    assert loaded.warnings[0].startswith("phu-tho-2021-bau-cu.yaml:")


def test_the_coordinator_is_asked_to_confirm_each_tentative_event(election: AppContext) -> None:
    def asked(now: dt.datetime) -> dict[str, str]:
        with election.database.transaction() as session:
            row = session.get_one(PlanRow, PLAN)
            items = evaluate(session, row, now)
        return {i.step_key: i.title for i in items if i.rule is Rule.EVENT_UNCONFIRMED}

    # 19/01: the district and commune conferences are still assumed; the provincial one
    # and the election day are confirmed in the file.
    first = asked(at(19, 1))
    assert sorted(first) == ["#event:hn_huyen", "#event:hn_xa"]
    assert first["#event:hn_huyen"].startswith("Hội nghị triển khai công tác bầu cử")
    with election.database.transaction() as session:
        tracking.confirm_event(session, PLAN, dt.date(2021, 1, 27), at(19, 1), event_id="hn_huyen")
    assert sorted(asked(at(20, 1))) == ["#event:hn_xa"]
