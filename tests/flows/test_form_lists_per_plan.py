"""Plans whose lists together would not fit one list: each plan gets its own forms.

Six commune-scale plans (tests/flows/test_form_lists_at_scale.py's shape: 12 monthly
reports over 100 communes each), each province's communes named apart, so the agencies of
all six (over 1,000; of five still, once one is closed) would not fit the shared forms'
list. Each plan then gets its own forms, the plan fixed by the deployment, every list
built from that plan alone; a run resolves the chosen pair among its plan's steps only.
The seed plan alone keeps the shared forms (tests/flows/test_deployments.py), and closing
plans switches back.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterTags
from prefect.deployments import run_deployment
from prefect.runner import Runner
from sqlalchemy import func, select

from flows.choices import MAX_CHOICES, distinct_labels, read_catalogue
from flows.deployments import (
    FORMS_TAG,
    FormRefresher,
    FormScope,
    form_deployments,
    form_scopes,
    register,
    remove_other_forms,
)
from flows.form_schema import lists_fit
from flows.forms import ProgressReport, StatusChoice, apply_progress, perform
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.tracking import close_plan
from kehoach.store.tables import EventRow, StepRow
from models.health import Progress
from tests.conftest import SEED_LOADED_AT
from tests.flows.test_form_lists_at_scale import LISTED, commune_plan

PROVINCES = 6
NOW = dt.datetime(2025, 7, 15, 2, 0, tzinfo=dt.UTC)
CLOSED_AT = dt.datetime(2025, 8, 1, 2, 0, tzinfo=dt.UTC)
APRIL = "BC · Báo cáo tháng 4"
PROGRESS = "Báo cáo tiến độ"
SEED_ID = "nt-2024-so-ket-vi-nguoi-ngheo"


def commune(n: int, province: int) -> str:
    return f"Ủy ban nhân dân xã số {n}, tỉnh số {province}"


def load_provinces(context: AppContext, folder: Path) -> None:
    for province in range(PROVINCES):
        path = commune_plan(folder, province, f", tỉnh số {province}")
        with context.database.transaction() as session:
            load_plan(session, context.load_plan_file(path), SEED_LOADED_AT)


@pytest.fixture
def provinces(context: AppContext, tmp_path: Path) -> AppContext:
    load_provinces(context, tmp_path)
    return context


def scopes(context: AppContext) -> list[FormScope]:
    with context.database.transaction() as session:
        return form_scopes(session)


def definition(deployment: Any) -> dict[str, Any]:
    schema = deployment._parameter_openapi_schema.model_dump()
    model = next(d for d in schema["definitions"] if d not in ("StatusChoice",))
    return schema["definitions"][model]["properties"] | {"top": schema["properties"]}


def progress_of(context: AppContext, plan_id: str, key: str) -> str:
    with context.database.transaction() as session:
        query = select(StepRow.progress).where(StepRow.plan_id == plan_id, StepRow.key == key)
        return str(session.scalars(query).one())


def events(context: AppContext) -> int:
    with context.database.transaction() as session:
        return session.scalar(select(func.count()).select_from(EventRow)) or 0


@pytest.fixture
def no_forms() -> None:
    """No form on the session's server yet: the other tests' (some in a pool, which an
    apply without a pool keeps) would blur what `serve` registered here."""
    tagged = DeploymentFilter(tags=DeploymentFilterTags(all_=[FORMS_TAG]))
    with get_client(sync_client=True) as client:
        for deployment in client.read_deployments(deployment_filter=tagged, limit=200):
            client.delete_deployment(deployment.id)


def served_forms() -> dict[str, list[str]]:
    """The forms registered on the server (outside any pool): name → tags."""
    tagged = DeploymentFilter(tags=DeploymentFilterTags(all_=[FORMS_TAG]))
    with get_client(sync_client=True) as client:
        found = client.read_deployments(deployment_filter=tagged, limit=200)
    return {d.name: d.tags for d in found if not d.work_pool_name}


def test_the_agencies_of_all_plans_together_would_not_fit_the_shared_forms(
    provinces: AppContext,
) -> None:
    with provinces.database.transaction() as session:
        shared = read_catalogue(session)
        one = read_catalogue(session, plan_ids=["kh-1"])
    assert len(distinct_labels(shared.agencies)) > MAX_CHOICES and not lists_fit(shared)
    assert lists_fit(one)


def test_each_plan_gets_its_own_named_forms_with_the_plan_fixed_and_only_its_lists(
    provinces: AppContext,
) -> None:
    found = scopes(provinces)
    assert [scope.plan_id for scope in found] == [f"kh-{n}" for n in range(PROVINCES)]
    deployments = form_deployments(found)
    assert len(deployments) == 8 * PROVINCES
    [progress] = [d for d in deployments if d.name == f"{PROGRESS} · Kế hoạch báo cáo tỉnh số 2"]
    assert progress.parameters == {"plan_id": "kh-2"} and "kh-2" in progress.tags
    for deployment in deployments:
        fields = definition(deployment)
        assert "plan_id" not in fields and "plan_id" not in fields["top"]  # never asked
        listed = {k: v for k, v in fields.items() if k in LISTED}
        assert listed, deployment.name
        for name, prop in listed.items():
            assert prop.get("enum"), (deployment.name, name)  # no text box
            assert not any("@" in label or "BC." in label for label in prop["enum"])
    fields = definition(progress)
    assert fields["step"]["enum"][3] == APRIL  # no plan prefix: the form is the plan's
    assert commune(7, 2) in fields["lead"]["enum"]
    assert not any("tỉnh số 1" in label for label in fields["lead"]["enum"] + fields["by"]["enum"])


def test_a_plans_own_form_resolves_the_pair_to_that_plans_communes_step(
    provinces: AppContext,
) -> None:
    report = ProgressReport(step=APRIL, lead=commune(7, 2), status=StatusChoice.DONE)
    outcome = perform(apply_progress, report, NOW, plan_id="kh-2")
    assert "@" not in outcome.message
    assert progress_of(provinces, "kh-2", "BC.04@X7") == Progress.DONE
    assert progress_of(provinces, "kh-1", "BC.04@X7") == Progress.NOT_STARTED
    assert progress_of(provinces, "kh-2", "BC.04@X8") == Progress.NOT_STARTED


def test_a_pair_from_another_plan_is_refused_in_vietnamese_with_nothing_written(
    provinces: AppContext,
) -> None:
    before = events(provinces)
    wrong = ProgressReport(step=APRIL, lead=commune(7, 1), status=StatusChoice.DONE)
    with pytest.raises(UserError) as refused:
        perform(apply_progress, wrong, NOW, plan_id="kh-2")
    assert refused.value.message == (
        f"{commune(7, 1)} không thực hiện bước {APRIL}; chọn lại bước hoặc cơ quan thực hiện."
    )
    assert events(provinces) == before
    assert progress_of(provinces, "kh-1", "BC.04@X7") == Progress.NOT_STARTED


def test_a_run_of_a_plans_form_from_the_server_takes_its_plan_from_the_deployment(
    provinces: AppContext,
) -> None:
    runner = Runner(name="thu-nghiem-tung-ke-hoach", pause_on_shutdown=False)
    [scope] = [s for s in scopes(provinces) if s.plan_id == "kh-3"]
    for deployment in form_deployments([scope]):
        runner.add_deployment(deployment)
    report = {"step": APRIL, "lead": commune(9, 3), "status": "Đã hoàn thành"}
    name = f"{PROGRESS}/{PROGRESS} · Kế hoạch báo cáo tỉnh số 3"
    run = run_deployment(name, parameters={"report": report}, timeout=0)
    asyncio.run(runner.start(run_once=True))
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run.id).state
    assert state.name == "Completed", state.message
    assert progress_of(provinces, "kh-3", "BC.04@X9") == Progress.DONE
    assert progress_of(provinces, "kh-0", "BC.04@X9") == Progress.NOT_STARTED


def test_the_refresh_switches_to_per_plan_forms_removes_a_closed_plans_and_switches_back(
    seeded: AppContext, tmp_path: Path, no_forms: None
) -> None:
    register(form_deployments(scopes(seeded)))
    refresher = FormRefresher(seeded)
    assert PROGRESS in served_forms()  # the seed plan alone: the shared forms
    load_provinces(seeded, tmp_path)
    assert refresher.check() is True
    forms = served_forms()
    assert PROGRESS not in forms  # nobody opens a form that cannot list
    assert f"{PROGRESS} · Kế hoạch báo cáo tỉnh số 1" in forms
    assert sum(SEED_ID in tags for tags in forms.values()) == 8  # the seed plan's own, once
    assert len(forms) == 8 * (PROVINCES + 1)
    with seeded.database.transaction() as session:
        close_plan(session, "kh-1", CLOSED_AT)
    assert refresher.check() is True
    forms = served_forms()
    assert not any("tỉnh số 1" in name for name in forms) and len(forms) == 8 * PROVINCES
    with seeded.database.transaction() as session:
        for province in range(2, PROVINCES):
            close_plan(session, f"kh-{province}", CLOSED_AT)
    assert refresher.check() is True
    forms = served_forms()
    assert PROGRESS in forms and len(forms) == 8  # two plans fit again: the shared forms
    with get_client(sync_client=True) as client:
        form = client.read_deployment_by_name(f"{PROGRESS}/{PROGRESS}")
    steps = form.parameter_openapi_schema["definitions"]["ProgressReport"]["properties"]["step"]
    assert any(label.startswith("Kế hoạch báo cáo tỉnh số 0: ") for label in steps["enum"])
    assert refresher.check() is False  # nothing changed: nothing doubled or re-registered


def test_serve_started_once_plans_outgrew_the_shared_lists_removes_the_shared_forms_left(
    seeded: AppContext, tmp_path: Path, no_forms: None
) -> None:
    register(form_deployments(scopes(seeded)))  # an earlier `serve`, the seed plan alone
    load_provinces(seeded, tmp_path)
    own = form_deployments(scopes(seeded))
    register(own)
    removed = remove_other_forms(own)
    assert f"{PROGRESS}/{PROGRESS}" in removed and len(removed) == 8
    forms = served_forms()
    assert PROGRESS not in forms and len(forms) == 8 * (PROVINCES + 1)
    assert remove_other_forms(own) == []  # nothing else to remove
