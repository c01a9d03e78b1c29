"""A commune-scale plan (more tracked steps than a list holds): every form stays drop-downs.

The plan: 12 monthly reports, each fanned out over 100 communes (1,200 tracked steps),
one of them with a receiver, one "nếu có", and one step carried out by the communes'
Mặt trận instead. The step list then holds each plan step once and the "Cơ quan thực
hiện" list the communes; the pair chosen is resolved to the fanned-out step.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select

from flows.choices import MAX_CHOICES, read_catalogue
from flows.form_schema import form_model, form_schema
from flows.forms import (
    ACTION_FLOWS,
    NotApplicable,
    ProgressReport,
    StatusChoice,
    apply_not_applicable,
    apply_progress,
    perform,
    record_progress_flow,
)
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.store.tables import EventRow, StepRow
from models.health import Progress
from tests.conftest import SEED_LOADED_AT

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from directory_bench import directory, plan  # the benchmark's own plan shape

COMMUNES = 100
NOW = dt.datetime(2025, 7, 15, 2, 0, tzinfo=dt.UTC)
MARCH = "BC · Báo cáo tháng 3"
COMMUNE_7 = "Ủy ban nhân dân xã số 7"
LISTED = ("step", "lead", "by", "receiver", "event_id", "plan_id")


def commune_plan(folder: Path, province: int = 0, named: str = "") -> Path:
    """Province `province`'s plan and directory in `folder`; `named` ends each commune's
    and Mặt trận's name (provinces whose agencies are all named apart)."""
    document = plan(province, 2025, 0)
    steps = document["responsibilities"][0]["steps"]
    steps[0].update(deliverable="Báo cáo tháng 1", receivers=["S0"])
    steps[1]["conditional"] = True
    steps[2].update(fan_out=["mttq"], title="Báo cáo tháng 3 của Mặt trận")
    agencies = directory(province, COMMUNES, 0)
    for agency in agencies["agencies"]:
        if agency["kind"] in ("commune", "mass_organisation"):
            agency["name"] += named
    (folder / "directories").mkdir(parents=True, exist_ok=True)
    (folder / "plans").mkdir(exist_ok=True)
    (folder / "directories" / f"tinh-{province}.yaml").write_text(
        yaml.safe_dump(agencies, allow_unicode=True), encoding="utf-8"
    )
    path = folder / "plans" / f"kh-{province}.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def communes(context: AppContext, tmp_path: Path) -> AppContext:
    loaded = context.load_plan_file(commune_plan(tmp_path))
    with context.database.transaction() as session:
        load_plan(session, loaded, SEED_LOADED_AT)
    return context


def schemas(context: AppContext) -> dict[str, dict[str, Any]]:
    with context.database.transaction() as session:
        catalogue = read_catalogue(session)
    return {
        action.name: form_schema(action, catalogue)["definitions"][form_model(action).__name__]
        for action in ACTION_FLOWS
    }


def tracked(context: AppContext, key: str) -> StepRow:
    with context.database.transaction() as session:
        return session.scalars(select(StepRow).where(StepRow.key == key)).one()


def events(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(EventRow)) or 0


def test_the_plan_has_more_tracked_steps_than_one_list_holds(communes: AppContext) -> None:
    with communes.database.transaction() as session:
        count = session.scalar(select(func.count()).select_from(StepRow))
    assert count == 12 * COMMUNES > MAX_CHOICES


def test_every_step_and_agency_field_of_every_form_is_a_drop_down_list(
    communes: AppContext,
) -> None:
    forms = schemas(communes)
    for name, form in forms.items():
        fields = {k: v for k, v in form["properties"].items() if k in LISTED}
        assert fields, name
        for field, prop in fields.items():
            assert prop.get("enum"), (name, field)  # no free text
            assert not any("@" in label or "BC." in label for label in prop["enum"])
    progress = forms["Báo cáo tiến độ"]["properties"]
    assert progress["step"]["enum"][:3] == [
        "BC · Báo cáo tháng 1",
        "BC · Báo cáo tháng 2",
        MARCH + " của Mặt trận",
    ]
    assert len(progress["step"]["enum"]) == 12
    assert list(progress)[:3] == ["step", "lead", "status"]  # the agency right under the step
    assert "default" not in progress["lead"]  # "" is not one of its choices
    assert COMMUNE_7 in progress["lead"]["enum"] and len(progress["lead"]["enum"]) == 2 * COMMUNES
    # A form whose own steps fit one list keeps the list of tracked steps, lead included.
    receipt = forms["Xác nhận đã nhận"]["properties"]
    assert len(receipt["step"]["enum"]) == COMMUNES and "lead" not in receipt
    assert receipt["step"]["enum"][7] == f"BC · Báo cáo tháng 1 — {COMMUNE_7}"


def test_a_run_filled_from_the_lists_records_the_communes_step(communes: AppContext) -> None:
    report = ProgressReport(step="BC · Báo cáo tháng 4", lead=COMMUNE_7, status=StatusChoice.DONE)
    state = record_progress_flow(report, as_of=NOW, return_state=True)
    assert state.is_completed(), state.message
    assert tracked(communes, "BC.04@X7").progress == Progress.DONE
    assert tracked(communes, "BC.04@X8").progress == Progress.NOT_STARTED
    assert "BC.04@X7" not in state.message and "@" not in state.message
    march = ProgressReport(step=f"{MARCH} của Mặt trận", lead="Mặt trận xã số 7", status="Đã nộp")
    perform(apply_progress, march, NOW)
    assert tracked(communes, "BC.03@MT7").progress == Progress.SUBMITTED
    declared = NotApplicable(step=f"BC · Báo cáo tháng 2 — {COMMUNE_7}", note="Không có")
    perform(apply_not_applicable, declared, NOW)
    assert tracked(communes, "BC.02@X7").progress == Progress.NOT_APPLICABLE


def test_a_pair_no_step_exists_for_is_refused_in_vietnamese_with_nothing_written(
    communes: AppContext,
) -> None:
    before = events(communes)
    wrong = ProgressReport(step=MARCH + " của Mặt trận", lead=COMMUNE_7, status=StatusChoice.DONE)
    with pytest.raises(UserError) as refused:
        perform(apply_progress, wrong, NOW)
    assert refused.value.message == (
        f"{COMMUNE_7} không thực hiện bước {MARCH} của Mặt trận; chọn lại bước hoặc cơ quan "
        "thực hiện."
    )
    no_lead = ProgressReport(step="BC · Báo cáo tháng 4", status=StatusChoice.DONE)
    with pytest.raises(UserError, match="giao cho 100 cơ quan: chọn cơ quan ở ô"):
        perform(apply_progress, no_lead, NOW)
    assert events(communes) == before
