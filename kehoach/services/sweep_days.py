"""Does a sweep run now: the core's answer (models.schedule) for the plans a person asks about."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from kehoach.services.context import AppContext
from kehoach.services.lookup import get_plan, plan_of
from kehoach.store.tables import PlanRow
from models.schedule import no_sweep_notice
from models.timeutil import local_day


def no_sweep_today(context: AppContext, now: dt.datetime, plan_id: str | None) -> str | None:
    """The notice to show instead of a sweep when no plan asked about works on `now`'s day.

    Plans are swept together: when one of them works that day the sweep runs (`None`),
    and a plan whose own calendar is off then is swept too (the flows sweep per plan).
    """
    with context.database.transaction() as session:
        if plan_id is not None:
            rows = [get_plan(session, plan_id)]
        else:
            rows = list(session.scalars(select(PlanRow).order_by(PlanRow.id)))
        notices = [no_sweep_notice(plan_of(session, r)[1], local_day(now)) for r in rows]
    if notices and all(notices):
        return notices[0]
    return None
