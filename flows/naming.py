"""What the dashboard shows: Vietnamese names for flows, run names, state words, tags, keys.

All of it is derived from the plan's data, so the next plan gets its names by loading
its file. Prefect refuses flow and deployment names holding any of / % & > <, which
agency short names such as "Sở LĐTB&XH" do; such a name falls back to the full name.

Run names are what Prefect's run graph shows, and its font has no Vietnamese letters
(it drops every letter with a diacritic): they are built from ASCII only, the plan's id,
the item's numbering and the Vietnam time ("IV.3 · 08:00 10/04/2024"); flow names, state
messages and artifacts, shown in the lists and pages, keep the full Vietnamese.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from typing import Any

from kehoach.clock import now_utc
from models.health import HEALTH_LABELS, Health
from models.plan import Plan, Responsibility
from models.timeutil import local_stamp

BANNED = re.compile(r"[/%&<>]")
_LOOKALIKE = {"/": "∕", "%": "％", "&": "＆", "<": "‹", ">": "›"}

ON_TRACK = "Đúng tiến độ"
OFF_TRACK = "Chậm tiến độ"
DAY_OFF = "Ngày nghỉ"
SWEPT = "Đã quét"
ERROR = "Lỗi"
REFUSED = "Bị từ chối"
DONE = "Đã ghi nhận"


def safe_name(*candidates: str) -> str:
    """The first candidate Prefect accepts as a name; the last one made acceptable."""
    for candidate in candidates:
        if not BANNED.search(candidate):
            return candidate
    return BANNED.sub(lambda match: _LOOKALIKE[match.group()], candidates[-1])


def agency_or_group_name(plan: Plan, code: str) -> str:
    agency = next((a for a in plan.agencies if a.code == code), None)
    if agency is None:
        return safe_name(plan.group_name(code))
    return safe_name(agency.label, agency.name)


def responsibility_flow_name(plan: Plan, responsibility: Responsibility) -> str:
    """E.g. "IV.3 · Sở Nội vụ": the item of Section IV and who answers for it."""
    names = "; ".join(agency_or_group_name(plan, code) for code in responsibility.responsible)
    return f"{responsibility.id} · {names}"


def responsibility_tags(plan: Plan, responsibility: Responsibility) -> list[str]:
    return [plan.plan.id, *plan.expand_codes(responsibility.responsible)]


# A step finished after its deadline is not a plain success in the tables.
DONE_LATE_WORDS = "hoàn thành muộn"


def status_words(health: Health, label: str) -> str:
    """A step's status as the tables show it: done late reads "hoàn thành muộn …"."""
    if health is Health.DONE_LATE:
        return label.replace(HEALTH_LABELS[Health.DONE_LATE], DONE_LATE_WORDS, 1)
    return label


def run_stamp(parameters: Mapping[str, Any]) -> str:
    """The Vietnam time a run evaluates (its `as_of`, else now), for run names."""
    moment = parameters.get("as_of") or now_utc()
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    return local_stamp(moment)


def responsibility_run_name(parameters: Mapping[str, Any]) -> str:
    """ASCII for the run graph: "IV.3 · 08:00 10/04/2024"."""
    return ascii_only(f"{parameters.get('responsibility_id')} · {run_stamp(parameters)}")


def plan_run_name(parameters: Mapping[str, Any]) -> str:
    """ASCII for the run graph: "nt-2024-so-ket-vi-nguoi-ngheo · 08:00 10/04/2024"."""
    plan_id = parameters.get("plan_id")
    return ascii_only(f"{plan_id} · {run_stamp(parameters)}" if plan_id else run_stamp(parameters))


def ascii_only(text: str) -> str:
    """What the graph's font can draw: Vietnamese without its marks, as Vietnamese write
    it where diacritics cannot go ("Gửi nhắc việc" → "Gui nhac viec"), and the middle dot."""
    bare = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    return "".join(c for c in bare if c.isascii() or c == "·")


def send_task_run_name(parameters: Mapping[str, Any]) -> str:
    """The sweep's sending task in the run graph: "Gui nhac viec · 08:00 10/04/2024"."""
    return ascii_only(f"Gửi nhắc việc · {run_stamp(parameters)}")


def artifact_key(*parts: str) -> str:
    """Prefect artifact keys allow lowercase letters, digits and dashes only."""
    text = "-".join(parts).lower()
    return re.sub(r"-{2,}", "-", re.sub(r"[^a-z0-9]+", "-", text)).strip("-")
