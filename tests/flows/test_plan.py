"""The plan flow: every responsibility, then one digest per recipient, then the plan summary."""

from __future__ import annotations

from sqlalchemy import func, select

from flows.plan import plan_flow
from flows.summary import PlanOutcome
from kehoach.services.context import AppContext
from kehoach.store.outbox_tables import MessageRow
from tests.flows.conftest import at
from tests.flows.prefect_api import child_flow_runs, flow_name, flow_run_of, latest_artifact

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def _messages(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(MessageRow)) or 0


def test_a_sweep_runs_every_responsibility_flow_and_publishes_the_summary(
    seeded: AppContext,
) -> None:
    state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    assert state.is_completed() and state.name == "Completed"
    assert state.message.startswith("Đã quét: 25/04/2024 (dự kiến, chưa chốt)")
    children = child_flow_runs(flow_run_of(state))
    assert sorted(flow_name(run) for run in children)[2] == "IV.3 · Sở Nội vụ"
    assert len(children) == 5
    summary = latest_artifact(f"{PLAN_ID}-tong-hop")
    assert summary.description.startswith("**Tổng hợp kế hoạch: ")
    assert "25/04/2024 (dự kiến, chưa chốt) — còn 10 ngày làm việc" in summary.data
    red = summary.data.index("## Quá hạn và vướng mắc")
    late = summary.data.index("Xây dựng Báo cáo kết quả thực hiện")
    assert red < late < summary.data.index("## Theo nhiệm vụ")
    assert latest_artifact(f"{PLAN_ID}-tien-do").type == "progress"


def test_a_sweep_sends_one_digest_per_recipient_to_the_mail_folder(seeded: AppContext) -> None:
    state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    outcome = state.result()
    assert isinstance(outcome, PlanOutcome)
    recipients = [m.recipient for m in outcome.delivery.sent]
    assert len(recipients) == len(set(recipients)) > 0
    assert len(list(seeded.settings.outbox_dir.iterdir())) == len(recipients)
    # The coordinator is asked to fix the date, still unconfirmed 10 working days before.
    coordinator = next(m for m in outcome.delivery.sent if m.recipient == "SLDTBXH")
    assert "chưa chốt ngày tổ chức" in coordinator.subject


def test_a_run_on_a_holiday_records_it_and_sends_nothing(seeded: AppContext) -> None:
    state = plan_flow(plan_id=PLAN_ID, as_of=at(18), return_state=True)
    assert state.is_completed() and state.name == "Completed"
    assert "Giỗ Tổ Hùng Vương" in state.message and "19/04/2024" in state.message
    assert child_flow_runs(flow_run_of(state)) == []
    assert _messages(seeded) == 0


def test_a_run_on_a_make_up_saturday_is_a_full_sweep(seeded: AppContext) -> None:
    # 04/05/2024 is worked in exchange for the day off on 29/04/2024.
    state = plan_flow(plan_id=PLAN_ID, as_of=at(4, month=5), return_state=True)
    assert state.is_completed() and state.message.startswith("Đã quét")
    assert len(child_flow_runs(flow_run_of(state))) == 5
    assert _messages(seeded) > 0


def test_a_run_on_the_swapped_day_off_sends_nothing(seeded: AppContext) -> None:
    state = plan_flow(plan_id=PLAN_ID, as_of=at(29), return_state=True)
    assert state.name == "Completed" and state.message.startswith("Ngày 29/04/2024 là ngày nghỉ")
    assert _messages(seeded) == 0


def test_a_run_on_a_saturday_sends_nothing_either(seeded: AppContext) -> None:
    state = plan_flow(plan_id=PLAN_ID, as_of=at(20), return_state=True)
    assert state.name == "Completed" and "Thứ Bảy" in state.message
    assert _messages(seeded) == 0


def test_a_responsibility_that_crashes_is_reported_and_the_others_still_run(
    seeded: AppContext, monkeypatch
) -> None:
    from flows import responsibility

    real = responsibility.read_responsibility

    def broken(context, plan_id, responsibility_id, now, send):
        if responsibility_id == "IV.3":
            raise RuntimeError("mất kết nối cơ sở dữ liệu")
        return real(context, plan_id, responsibility_id, now, send)

    monkeypatch.setattr(responsibility, "read_responsibility", broken)
    state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    assert state.is_failed() and state.name == "Failed"
    assert state.message.startswith("Lỗi: ")
    assert "nhiệm vụ IV.3: mất kết nối cơ sở dữ liệu" in state.message
    assert len(child_flow_runs(flow_run_of(state))) == 5
    assert _messages(seeded) > 0  # the other responsibilities' reminders went out


def test_a_sweeps_responsibility_runs_share_its_one_read_of_the_plan(
    seeded: AppContext, monkeypatch
) -> None:
    from flows import responsibility

    def own_read(*args, **kwargs):
        raise AssertionError("a responsibility run of a sweep read the plan again")

    monkeypatch.setattr(responsibility, "_own_read", own_read)
    state = plan_flow(plan_id=PLAN_ID, as_of=at(10), return_state=True)
    assert state.is_completed(), state.message
    assert len(state.result().responsibilities) == 5
