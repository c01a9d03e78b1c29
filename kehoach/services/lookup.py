"""Finding what a person names: a plan, a step, an agency; with a suggestion when it is unknown."""

from __future__ import annotations

import difflib

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.store.planfile import plan_calendar
from kehoach.store.tables import PlanRow, StepRow
from models.calendar import CalendarOverrides, WorkingCalendar
from models.plan import Plan

# The key under which a session carries the national calendar (see AppContext.database).
NATIONAL_CALENDAR = "national_calendar"

_PLANS: dict[tuple[str, str, str], tuple[Plan, WorkingCalendar]] = {}


def national_calendar(session: Session) -> CalendarOverrides | None:
    """The national calendar this unit of work was opened with; none means the bare one."""
    return session.info.get(NATIONAL_CALENDAR)


def plan_of(session: Session, row: PlanRow) -> tuple[Plan, WorkingCalendar]:
    """The validated plan stored with a plan row, and its calendar (cached per file version)."""
    national = national_calendar(session)
    key = (row.id, row.source_sha256, national.model_dump_json() if national else "")
    if key not in _PLANS:
        plan = Plan.model_validate(row.document)
        _PLANS[key] = (plan, plan_calendar(plan, national))
    return _PLANS[key]


def get_plan(session: Session, plan_id: str | None) -> PlanRow:
    plans = list(session.scalars(select(PlanRow).order_by(PlanRow.id)))
    if plan_id is None and len(plans) == 1:
        return plans[0]
    if plan_id is None:
        names = ", ".join(p.id for p in plans) or "chưa có kế hoạch nào; dùng `kehoach load`"
        raise UserError(f"Cần chỉ rõ kế hoạch bằng --plan ({names}).")
    for plan in plans:
        if plan.id == plan_id:
            return plan
    raise UserError(f"Không có kế hoạch '{plan_id}'." + suggestion(plan_id, [p.id for p in plans]))


def suggestion(wanted: str, known: list[str]) -> str:
    """' Có phải: …?' with the closest known names, or nothing."""
    close = difflib.get_close_matches(wanted, known, n=3, cutoff=0.5)
    return f" Có phải: {', '.join(close)}?" if close else ""


def get_step(session: Session, key: str, plan_id: str | None) -> StepRow:
    query = select(StepRow).where(StepRow.key == key, StepRow.archived_at.is_(None))
    if plan_id is not None:
        query = query.where(StepRow.plan_id == plan_id)
    rows = list(session.scalars(query))
    if len(rows) == 1:
        return rows[0]
    if rows:
        plans = ", ".join(r.plan_id for r in rows)
        raise UserError(f"Bước '{key}' có trong nhiều kế hoạch ({plans}); chỉ rõ bằng --plan.")
    known = list(session.scalars(select(StepRow.key).where(StepRow.archived_at.is_(None))))
    raise UserError(f"Không có bước '{key}'." + suggestion(key, known))


def check_agency(session: Session, plan_row: PlanRow, code: str) -> str:
    plan, _ = plan_of(session, plan_row)
    codes = [a.code for a in plan.agencies]
    if code not in codes:
        raise UserError(
            f"Cơ quan '{code}' không có trong danh mục của kế hoạch {plan_row.id}."
            + suggestion(code, codes)
        )
    return code
