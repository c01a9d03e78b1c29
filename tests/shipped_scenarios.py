"""The shipped plans with their replay scenarios, each loaded into a fresh home: the common
ground of the tests comparing a fast path with its plain reference (status, selection,
composing) day by day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, NamedTuple

from flows.scenario import ScenarioFile
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.settings import Settings
from kehoach.store.planfile import LoadedPlan
from models.timeutil import vietnam_moment

CONFIG = bundled_config_dir()
SCENARIOS = {
    "ninh-thuan-2024-so-ket-vi-nguoi-ngheo": "ninh-thuan-2024-demo",
    "phu-tho-2021-bau-cu": "phu-tho-2021-bau-cu",
    "ba-ria-vung-tau-2012-bao-cao-cchc": "ba-ria-vung-tau-2012-bao-cao-cchc",
}


class Shipped(NamedTuple):
    context: AppContext
    loaded: LoadedPlan
    source: ScenarioFile
    scenario: Any
    start: dt.datetime  # 07:00 of the scenario's first day; the plan loaded a day before


def shipped(plan_name: str, home: Path) -> Shipped:
    """`plan_name` and its scenario, the plan loaded into a fresh SQLite home at `home`."""
    context = AppContext(Settings(home=home, database_url=None, apprise_config=None))
    loaded = context.load_plan_file(CONFIG / "plans" / f"{plan_name}.yaml")
    source = ScenarioFile(CONFIG / "scenarios" / f"{SCENARIOS[plan_name]}.yaml")
    scenario = source.checked(loaded.plan, loaded.calendar)
    start = vietnam_moment(scenario.days()[0], dt.time(7))
    with context.database.transaction() as session:
        load_plan(session, loaded, start - dt.timedelta(days=1))
    return Shipped(context, loaded, source, scenario, start)
