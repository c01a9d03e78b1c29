"""What a form run leaves on its page: a table of what was recorded, and no traceback.

A refused form ends in a Failed state whose data is a `FormRefused`; when the run was
started from a deployment, Prefect then raises that exception at the end of the run and
logs it, traceback and all, under "Engine execution exited with unexpected exception".
The refusal is already in the run's logs and state in Vietnamese, so that record is
dropped (only that one: every other failure keeps its traceback).
"""

from __future__ import annotations

import datetime as dt
import enum
import logging
from typing import Any

from prefect.artifacts import create_markdown_artifact
from pydantic import BaseModel
from sqlalchemy.orm import Session

from kehoach.present.answers import local_time, step_words
from kehoach.services.lookup import get_plan, get_step, plan_of
from kehoach.store.tables import StepRow
from models.plan import Plan
from models.timeutil import ddmmyyyy

# The engine's logger for a run's own records (prefect.flow_engine.flow_run_logger).
FLOW_RUN_LOGGER = "prefect.flow_runs"
# Fields already shown through the step's own rows, or not worth a row.
HIDDEN = {"plan_id", "step", "lead"}


class FormRefused(Exception):
    """A form the services refused; its message is the Vietnamese reason."""


class _NoRefusalTraceback(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        return not isinstance(error, FormRefused)


def hide_refusal_tracebacks() -> None:
    logger = logging.getLogger(FLOW_RUN_LOGGER)
    if not any(isinstance(f, _NoRefusalTraceback) for f in logger.filters):
        logger.addFilter(_NoRefusalTraceback())


# --- what was recorded --------------------------------------------------------------------


def recorded(session: Session, form: BaseModel, now: dt.datetime) -> list[tuple[str, str]]:
    """Rows "what — value" for the run's page: the step, its lead and deadline, the fields."""
    step = _step(session, form)
    plan = _plan(session, form, step)
    rows = [("Kế hoạch", plan.plan.title), *(_step_rows(plan, step) if step else [])]
    for name, info in type(form).model_fields.items():
        value = getattr(form, name)
        text = _event_name(plan, value) if name == "event_id" else _shown(plan, value)
        if name not in HIDDEN and text:
            rows.append(((info.title or name).removesuffix(" (mã)"), text))
    return [*rows, ("Thời điểm ghi nhận", local_time(now))]


def _event_name(plan: Plan, event_id: str) -> str:
    """The event by its name; left empty, the plan's only event."""
    event = plan.event_by_id(event_id) if event_id else plan.main_event
    return event.name if event is not None else ""


def _step(session: Session, form: BaseModel) -> StepRow | None:
    key = getattr(form, "step", None)
    return get_step(session, key, getattr(form, "plan_id", "") or None) if key else None


def _plan(session: Session, form: BaseModel, step: StepRow | None) -> Plan:
    plan_id = step.plan_id if step is not None else getattr(form, "plan_id", "") or None
    return plan_of(session, get_plan(session, plan_id))[0]


def _step_rows(plan: Plan, step: StepRow) -> list[tuple[str, str]]:
    words = step_words(step)
    deadline = ddmmyyyy(step.deadline)
    if step.extended_to is not None:
        deadline = f"{ddmmyyyy(step.extended_to)} (gia hạn, gốc {deadline})"
    return [
        ("Bước", words[0].upper() + words[1:]),
        ("Cơ quan chủ trì", _agency_name(plan, step.lead)),
        ("Hạn", deadline),
    ]


def _agency_name(plan: Plan, code: str) -> str:
    return next((a.name for a in plan.agencies if a.code == code), code)


def _shown(plan: Plan, value: Any) -> str:
    if isinstance(value, enum.Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, dt.datetime):
        return local_time(value)
    if isinstance(value, dt.date):
        return ddmmyyyy(value)
    return _agency_name(plan, value) if isinstance(value, str) else ""


# --- the run's artifact -------------------------------------------------------------------


def publish(form_title: str, message: str, rows: list[tuple[str, str]]) -> None:
    table = "\n".join(f"| {_cell(what)} | {_cell(value)} |" for what, value in rows)
    create_markdown_artifact(
        markdown=f"### Đã ghi nhận — {form_title}\n\n{message}\n\n| Mục | Nội dung |\n"
        f"| --- | --- |\n{table}\n",
        description=f"Kết quả biểu mẫu {form_title}",
    )


def publish_refusal(form_title: str, reason: str) -> None:
    create_markdown_artifact(
        markdown=f"### Không ghi nhận — {form_title}\n\n{reason}\n\nKhông có gì được ghi.\n",
        description=f"Biểu mẫu {form_title} bị từ chối",
    )


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "∣").split())
