"""Plan files that name a province directory: found, merged, located errors, the seed as before,
an existing database keeping its history, and escalation to the parent in a real sweep."""

from __future__ import annotations

import copy
import datetime as dt
import email
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
import yaml
from sqlalchemy import select

from kehoach.errors import PlanFileError, UserError
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.sweep import sweep
from kehoach.store.directoryfile import DirectoryFileError
from kehoach.store.planfile import load_plan_file
from kehoach.store.tables import AgencyRow, EventRow, PlanRow, StepRow
from tests.models.directory_fixture import DIRECTORY, PLAN

SEED_BEFORE = Path(__file__).resolve().parents[2] / "data" / "seed-plan-before-directory.yaml"
VN = dt.timezone(dt.timedelta(hours=7))


def write(folder: Path, plan: dict[str, Any], directory: dict[str, Any] | None = None) -> Path:
    """config/plans/kh.yaml and config/directories/<id>.yaml, as a province keeps them."""
    plans = folder / "config" / "plans"
    plans.mkdir(parents=True, exist_ok=True)
    directories = folder / "config" / "directories"
    directories.mkdir(parents=True, exist_ok=True)
    data = directory or DIRECTORY
    (directories / f"{data['directory']['id']}.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
    )
    path = plans / "kh.yaml"
    path.write_text(yaml.safe_dump(plan, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def test_the_seed_plan_loads_with_the_same_agencies_and_groups_as_before_its_directory(
    seed_path: Path,
) -> None:
    now = load_plan_file(seed_path).plan
    before = load_plan_file(SEED_BEFORE).plan
    assert now.plan.directory == "ninh-thuan-2024" and before.plan.directory is None
    assert now.agencies == before.agencies
    assert now.groups == before.groups
    # Besides: the ladder is spelled with `parent`, the coordinator for these agencies.
    changed = {"plan": {"directory"}, "reminders": {"ladder"}}
    assert now.model_dump(exclude=changed) == before.model_dump(exclude=changed)


def test_a_plan_finds_its_directory_beside_its_folder_and_gets_its_agencies(
    tmp_path: Path,
) -> None:
    loaded = load_plan_file(write(tmp_path, copy.deepcopy(PLAN))).plan
    assert [a.code for a in loaded.members("xa")] == ["X1", "X2", "X3"]
    assert loaded.agency("X1").parent == "H1"


def test_a_copied_plan_falls_back_to_the_shipped_directory(seed_path: Path, tmp_path: Path) -> None:
    copy_path = tmp_path / "kh.yaml"
    copy_path.write_text(seed_path.read_text(encoding="utf-8"), encoding="utf-8")
    assert load_plan_file(copy_path).plan.agencies == load_plan_file(seed_path).plan.agencies


def test_a_step_naming_a_merged_agency_is_refused_with_its_successor_and_its_line(
    tmp_path: Path,
) -> None:
    plan = copy.deepcopy(PLAN)
    plan["plan"]["issued"] = {"year": 2025, "month": 7, "day": 15}
    plan["event"]["assumed_date"] = "2025-11-20"
    plan["responsibilities"][0]["steps"][0] = {
        "id": "I.1",
        "title": "Báo cáo về lao động",
        "lead": "SLDTBXH",
        "deadline": {"before_event": 10},
    }
    path = write(tmp_path, plan)
    with pytest.raises(PlanFileError) as error:
        load_plan_file(path)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "lead: SLDTBXH" in text
    )
    assert error.value.problems == [
        f"kh.yaml:{line} responsibilities[0].steps[0].lead: cơ quan 'SLDTBXH' (Sở Lao động – "
        "Thương binh và Xã hội) đã hợp nhất vào Sở Nội vụ từ 01/03/2025 (mã SNV); hãy ghi mã SNV"
    ]


def test_an_error_in_a_plan_override_points_at_the_plans_own_line(tmp_path: Path) -> None:
    plan = copy.deepcopy(PLAN)
    plan["agencies"] = [{"code": "H2", "groups": ["huyen", "khong_co"]}]
    path = write(tmp_path, plan)
    with pytest.raises(PlanFileError) as error:
        load_plan_file(path)
    line = next(
        n for n, text in enumerate(path.read_text().splitlines(), 1) if "- khong_co" in text
    )
    assert error.value.problems == [
        f"kh.yaml:{line} agencies[0].groups[1]: nhóm cơ quan không có trong danh mục: 'khong_co'"
    ]


def test_a_broken_directory_is_reported_by_its_own_file_and_line(tmp_path: Path) -> None:
    directory = copy.deepcopy(DIRECTORY)
    directory["agencies"][6]["parent"] = "H9"
    path = write(tmp_path, copy.deepcopy(PLAN), directory)
    with pytest.raises(DirectoryFileError) as error:
        load_plan_file(path)
    assert "Tệp danh bạ cơ quan" in error.value.message
    text = (tmp_path / "config" / "directories" / "tinh-thu-2025.yaml").read_text()
    line = next(n for n, row in enumerate(text.splitlines(), 1) if "parent: H9" in row)
    assert error.value.problems == [
        f"tinh-thu-2025.yaml:{line} agencies[6].parent: cơ quan không có trong danh bạ: 'H9'"
    ]


def test_a_malformed_contact_email_is_refused_naming_the_agency_and_the_directory_file(
    tmp_path: Path,
) -> None:
    directory = copy.deepcopy(DIRECTORY)
    agency = directory["agencies"][1]
    agency["contact"] = {"name": "Văn thư", "email": "vanthu@@tinh.gov.vn"}
    path = write(tmp_path, copy.deepcopy(PLAN), directory)
    with pytest.raises(DirectoryFileError) as error:
        load_plan_file(path)
    [problem] = error.value.problems
    assert problem.startswith("tinh-thu-2025.yaml:") and "agencies[1].contact.email" in problem
    assert f"cơ quan '{agency['code']}' ({agency['name']}): thư điện tử không hợp lệ" in problem


def test_a_missing_directory_is_named_with_where_it_was_looked_for(tmp_path: Path) -> None:
    plan = copy.deepcopy(PLAN)
    plan["plan"]["directory"] = "khong-co"
    with pytest.raises(UserError, match="Không tìm thấy danh bạ cơ quan 'khong-co'"):
        load_plan_file(write(tmp_path, plan))


def test_a_changed_directory_changes_the_plans_digest(tmp_path: Path) -> None:
    path = write(tmp_path, copy.deepcopy(PLAN))
    first = load_plan_file(path).sha256
    directory = copy.deepcopy(DIRECTORY)
    directory["agencies"][1]["name"] = "Sở Nội vụ tỉnh"
    write(tmp_path, copy.deepcopy(PLAN), directory)
    assert load_plan_file(path).sha256 != first


def test_loading_the_seed_with_its_directory_over_a_database_of_the_old_seed_keeps_its_history(
    context: AppContext, seed_path: Path
) -> None:
    loaded_at = dt.datetime(2024, 3, 15, 1, tzinfo=dt.UTC)
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(SEED_BEFORE), loaded_at)
    with context.database.transaction() as session:
        steps_before = {s.key: s.id for s in session.scalars(select(StepRow))}
        events_before = len(session.scalars(select(EventRow)).all())
        report = load_plan(session, context.load_plan_file(seed_path), loaded_at + dt.timedelta(1))
    with context.database.transaction() as session:
        steps_after = {s.key: s.id for s in session.scalars(select(StepRow))}
        agencies = session.scalars(select(AgencyRow)).all()
        row = session.get(PlanRow, "nt-2024-so-ket-vi-nguoi-ngheo")
        assert row is not None and row.directory == "ninh-thuan-2024"
    assert steps_after == steps_before
    assert report.added == report.changed == report.archived == []
    assert len(agencies) == 35 and all(a.archived_at is None for a in agencies)
    assert events_before > 0


def test_a_sweep_tells_a_communes_district_first_and_the_coordinator_only_later(
    context: AppContext, tmp_path: Path
) -> None:
    plan = copy.deepcopy(PLAN)
    steps = plan["responsibilities"][0]["steps"]
    steps[0]["deadline"] = {"date": "2024-10-25"}
    steps[1]["deadline"] = {"date": "2024-11-01"}  # a Friday
    del steps[1]["depends_on"]
    with context.database.transaction() as session:
        load_plan(
            session,
            context.load_plan_file(write(tmp_path, plan)),
            dt.datetime(2024, 10, 1, tzinfo=dt.UTC),
        )

    def told(day: int) -> set[str]:
        moment = dt.datetime(2024, 11, day, 9, tzinfo=VN)
        selected = sweep(context, moment, dry_run=True).selected
        return {i.recipient for i in selected if i.step_key == "I.2@X1"}

    # 3 working days late: the district (and the commune's Mặt trận), not the province.
    assert told(6) == {"X1", "MT_X1", "H1"}
    assert told(11) == {"X1", "MT_X1", "H1", "SNV"}  # 6 working days late: the coordinator too


def notices(context: AppContext) -> dict[str, str]:
    """The plain text of each notice in the mail folder, by recipient address."""
    found = {}
    for path in context.settings.outbox_dir.glob("*.eml"):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        body = message.get_body(preferencelist=("plain",))
        assert isinstance(body, EmailMessage)
        found[str(message["To"]).split("<")[-1].rstrip(">")] = body.get_content()
    return found


def test_the_district_is_asked_to_follow_up_its_commune_and_the_coordinator_is_not_yet(
    context: AppContext, tmp_path: Path
) -> None:
    plan = copy.deepcopy(PLAN)
    steps = plan["responsibilities"][0]["steps"]
    steps[0]["deadline"] = {"date": "2024-10-25"}
    steps[1]["deadline"] = {"date": "2024-11-01"}
    del steps[1]["depends_on"]
    loaded = context.load_plan_file(write(tmp_path, plan))
    with context.database.transaction() as session:
        load_plan(session, loaded, dt.datetime(2024, 10, 1, tzinfo=dt.UTC))
    sweep(context, dt.datetime(2024, 11, 6, 9, tzinfo=VN))  # the communes 3 days late
    texts = notices(context)
    district = texts["h2@hop-thu.invalid"]
    assert "| quá hạn 3 ngày làm việc | Ủy ban nhân dân xã Ba" in district
    assert "Đề nghị Quý cơ quan đôn đốc các cơ quan chủ trì khẩn trương hoàn thành." in district
    assert "xã Ba" not in texts["snv@hop-thu.invalid"]
