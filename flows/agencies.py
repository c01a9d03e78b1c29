"""The per-agency table a sweep publishes: every step an agency leads or cooperates on,
in every loaded plan of the same province directory, most urgent first; one markdown
artifact per agency, keyed by its directory and code ("co-quan-ninh-thuan-2024-snv": a
code is unique within a directory only, and two provinces may both have an SNV).

Its status words are the report categories without the day counts ("chưa hoàn thành,
quá hạn", not "… 3 ngày làm việc"; the responsibility tables count the days): so an
agency's table changes only when one of its steps changes category, and a sweep
republishes only the tables that changed (flows.artifacts.ChangedOnly).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import select

from flows.artifacts import ChangedOnly, agency_key, agency_scope
from flows.naming import status_words
from flows.responsibility import due_text, period_text
from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.services.status import StepStatus, by_urgency, plan_statuses
from kehoach.store.tables import PlanRow
from models.health import FLAG_LABELS, HEALTH_LABELS, Flag
from models.plan import Plan
from models.series import current_view
from models.timeutil import local_day, local_stamp

LEAD, COOPERATING = "chủ trì", "phối hợp"
PUBLISHED = ChangedOnly()


@dataclass(frozen=True)
class AgencyRow:
    plan_title: str
    responsibility_id: str
    title: str
    role: str
    due: str
    status: str
    period: str = ""  # "kỳ tháng 03/2024" for an occurrence of a report cycle


def category(status: StepStatus) -> str:
    """The step's report category and flags, without day counts."""
    assessment = status.assessment
    flags = [FLAG_LABELS[f] for f in Flag if f in assessment.flags]
    words = "; ".join([HEALTH_LABELS[assessment.health], *flags])
    return status_words(assessment.health, words)


def rows_by_agency(plan: Plan, statuses: list[StepStatus]) -> dict[str, list[AgencyRow]]:
    """Each agency's rows of one plan, most urgent first."""
    found: dict[str, list[AgencyRow]] = defaultdict(list)
    for status in by_urgency(statuses):
        for code, role in ((status.lead, LEAD), *((c, COOPERATING) for c in status.cooperating)):
            found[code].append(
                AgencyRow(
                    plan.plan.title,
                    status.responsibility_id,
                    status.title,
                    role,
                    due_text(status),
                    category(status),
                    period_text(status.key),
                )
            )
    return found


def other_plans(
    context: AppContext, plan: Plan, codes: set[str], now: dt.datetime
) -> list[tuple[Plan, list[StepStatus]]]:
    """The other loaded plans of the same directory in which one of these agencies has a
    step, read at `now` (the same code in another directory is another agency)."""
    found = []
    scope = agency_scope(plan)
    with context.database.transaction() as session:
        for row in session.scalars(
            select(PlanRow).where(PlanRow.id != plan.plan.id).order_by(PlanRow.id)
        ):
            other, _ = plan_of(session, row)
            if agency_scope(other) == scope and codes & {a.code for a in other.agencies}:
                shown = current_view(plan_statuses(session, row, now), local_day(now))
                found.append((other, shown))
    return found


def agency_markdown(name: str, rows: list[AgencyRow], changed_at: dt.datetime) -> str:
    lines = [
        f"# {name}",
        f"Các bước {name} chủ trì hoặc phối hợp, trong mọi kế hoạch đang theo dõi, việc gấp "
        f"nhất trước. Bảng đổi lần cuối ở lượt quét lúc {local_stamp(changed_at)}; số ngày quá "
        "hạn xem ở bảng của từng nhiệm vụ.",
    ]
    by_plan: dict[str, list[AgencyRow]] = defaultdict(list)
    for row in rows:
        by_plan[row.plan_title].append(row)
    for title, plan_rows in by_plan.items():
        lines += ["", f"## {title}", "", *(agency_item(r) for r in plan_rows)]
    return "\n".join(lines) + "\n"


def agency_item(row: AgencyRow) -> str:
    """One step as a list item: Prefect's UI wraps a list to the screen, not a table."""
    period = f", {row.period}" if row.period else ""
    return (
        f"- **{row.title}**{period} (nhiệm vụ {row.responsibility_id}, {row.role}) — hạn "
        f"{row.due}: {row.status}"
    )


def publish_agencies(
    context: AppContext, plan: Plan, statuses: list[StepStatus], now: dt.datetime, api: str
) -> int:
    """One table per agency of this plan; returns how many were (re)published."""
    rows = rows_by_agency(plan, current_view(statuses, local_day(now)))
    for other, other_statuses in other_plans(context, plan, set(rows), now):
        for code, extra in rows_by_agency(other, other_statuses).items():
            if code in rows:
                rows[code].extend(extra)
    published = 0
    names = {a.code: a.name for a in plan.agencies}
    for code, agency_rows in rows.items():
        if code not in names:  # a group named as cooperating: its members have their own
            continue
        name = names[code]
        body = agency_markdown(name, agency_rows, now)
        description = f"**{name}** — các bước trong mọi kế hoạch, việc gấp nhất trước"
        # The moment is part of the text, not of what makes a table "changed".
        unchanged_body = body.replace(local_stamp(now), "")
        published += PUBLISHED.publish_if_changed(
            api, unchanged_body, body, agency_key(agency_scope(plan), code), description
        )
    return published
