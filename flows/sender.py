"""The sender: delivery on its own short schedule, apart from the daily selection.

The plan flow selects reminders once a working day and delivers what is due then; a
failed send used to wait for the next morning's sweep. This flow selects nothing: every
few minutes in office hours it composes the items already queued (superseding stale
digests of the same recipient) and delivers every message that is due, so retries with
backoff happen within minutes. Quiet time still holds messages (the reminder service
decides), and a run whose delivery failed ends red (Failed), so the failure shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from prefect import flow, get_run_logger
from prefect.runtime import flow_run
from prefect.schedules import Cron
from prefect.states import Completed, Failed, State
from prefect.types.entrypoint import EntrypointType

from flows import sending
from flows.naming import now_utc, run_stamp
from flows.schedule import TIME_ZONE
from kehoach.services.context import AppContext

SENDER_DEPLOYMENT = "gửi thư"
# Every 5 minutes from 07:00 to 17:55, Monday to Friday (Vietnam time); holidays and the
# plan's own office hours are quiet time, in which messages are held, not sent.
SENDER_CRON = "*/5 7-17 * * 1-5"


def _run_name() -> str:
    return f"gửi thư · {run_stamp(flow_run.parameters)}"


def outcome_state(delivery: sending.Delivery) -> State[Any]:
    """Red when any message did not get through, so a person sees it in the Prefect UI."""
    message = (
        f"Đã gửi {len(delivery.sent)} thư, chưa gửi được {len(delivery.failed)}, "
        f"chờ đến giờ được gửi {delivery.held}."
    )
    if delivery.failed:
        # Prefect's own state names, so the Runs page's filters find it (issue 14).
        return Failed(message=message, data=delivery)
    return Completed(message=message, data=delivery)


@flow(name="Gửi thư nhắc việc", flow_run_name=_run_name, persist_result=False)
def sender_flow(as_of: dt.datetime | None = None) -> State[Any]:
    """Gửi các thư nhắc việc đến lượt (thư mới, thư gửi lại sau lỗi); không chọn nhắc việc mới."""
    now = as_of or now_utc()
    state = outcome_state(sending.send(AppContext.current(), now))
    get_run_logger().info("%s: %s", state.name, state.message)
    return state


def sender_deployment(work_pool: str | None = None) -> Any:
    placement: dict[str, Any] = {}
    if work_pool is not None:
        placement = {"work_pool_name": work_pool, "entrypoint_type": EntrypointType.MODULE_PATH}
    return sender_flow.to_deployment(
        name=SENDER_DEPLOYMENT,
        **placement,
        schedules=[Cron(SENDER_CRON, timezone=TIME_ZONE)],
        tags=["kehoach", "gửi thư"],
        description=(
            "Gửi thư nhắc việc 5 phút một lần trong giờ hành chính (Thứ Hai – Thứ Sáu, giờ "
            "Việt Nam): thư mới soạn và thư gửi lại sau lỗi, không chờ lượt quét hằng ngày."
        ),
    )
