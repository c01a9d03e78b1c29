"""How long do the 34 provinces' directories take to resolve, and fan-out over all communes?

Generates, in a temporary folder, one directory file per province as a province would keep
it, and one plan file per province naming it:
- after 01/07/2025 (two levels): UBND tỉnh, 20 departments, 100 communes (parent: UBND
  tỉnh) and each commune's Mặt trận (area: the commune); the plan has 12 monthly reports
  fanned out over the communes, each with its Mặt trận 'cùng cấp';
- 2024 (three levels): UBND tỉnh, 20 departments, 9 districts × 11 communes (parent: the
  district); the same reports fanned out over the districts' children
  (`fan_out_children`).
Then times `load_plan_file` (YAML, directory merge, validation, every plan rule) and
`expand_steps` (the concrete steps) for all 34, against a floor measured in the same run:
the same YAML parsed and its entries put into plain dicts with the same fan-out done by
hand (no validation, no rules).

    .venv/bin/python benchmarks/directory_bench.py [--provinces 34] [--communes 100]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from machine import describe as describe_machine  # benchmarks/machine.py

from kehoach.store.directoryfile import _FastLoader
from kehoach.store.planfile import _PlanLoader, load_plan_file
from models.calendar import vietnam_calendar
from models.deadlines import resolve_deadlines
from models.steps import expand_steps

DEPARTMENTS = 20
MONTHS = 12


def _agency(code: str, name: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "kind": kind, **fields}


def directory(province: int, communes: int, districts: int) -> dict[str, Any]:
    """One province: districts=0 gives the two-level directory of after 01/07/2025."""
    agencies = [_agency("UBND", f"Ủy ban nhân dân tỉnh số {province}", "leadership")]
    agencies += [
        _agency(f"S{n}", f"Sở số {n}", "department", groups=["so"]) for n in range(DEPARTMENTS)
    ]
    parents = [f"H{d}" for d in range(districts)] or ["UBND"]
    agencies += [
        _agency(code, f"Ủy ban nhân dân huyện {code}", "district", groups=["huyen"])
        for code in parents
        if code != "UBND"
    ]
    for n in range(communes):
        code = f"X{n}"
        parent = parents[n * len(parents) // communes]
        agencies.append(
            _agency(code, f"Ủy ban nhân dân xã số {n}", "commune", groups=["xa"], parent=parent)
        )
        agencies.append(
            _agency(
                f"MT{n}", f"Mặt trận xã số {n}", "mass_organisation", groups=["mttq"], area=code
            )
        )
    groups = [
        {"code": "so", "name": "Các sở"},
        {"code": "xa", "name": "Ủy ban nhân dân các xã"},
        {"code": "mttq", "name": "Mặt trận các xã"},
    ]
    if districts:
        groups.append({"code": "huyen", "name": "Ủy ban nhân dân các huyện"})
    return {
        "directory": {"id": f"tinh-{province}", "name": f"Danh bạ tỉnh số {province}"},
        "groups": groups,
        "agencies": agencies,
    }


def plan(province: int, year: int, districts: int) -> dict[str, Any]:
    fan_out = {"fan_out": ["huyen"], "fan_out_children": True} if districts else {"fan_out": ["xa"]}
    steps = [
        {
            "id": f"BC.{month:02d}",
            "title": f"Báo cáo tháng {month}",
            **fan_out,
            "cooperating_same_area": ["mttq"],
            "deadline": {"date": f"{year}-{month:02d}-10"},
        }
        for month in range(1, MONTHS + 1)
    ]
    return {
        "plan": {
            "id": f"kh-{province}",
            "title": f"Kế hoạch báo cáo tỉnh số {province}",
            "issuer": "Ủy ban nhân dân tỉnh",
            "issued": {"year": year, "month": 1, "day": 1}
            if districts
            else {"year": year, "month": 7, "day": 1},
            "coordinator": "S0",
            "directory": f"tinh-{province}",
        },
        "event": {
            "name": "Hội nghị tổng kết",
            "tentative_month": None,
            "assumed_date": f"{year}-12-20",
        },
        "difficulty_route": {"receivers": ["S0"]},
        "responsibilities": [
            {"id": "BC", "title": "Báo cáo", "responsible": ["xa"], "steps": steps}
        ],
    }


def write_files(
    folder: Path, provinces: int, communes: int, districts: int, year: int
) -> list[Path]:
    (folder / "directories").mkdir(parents=True)
    (folder / "plans").mkdir()
    paths = []
    for n in range(provinces):
        (folder / "directories" / f"tinh-{n}.yaml").write_text(
            yaml.safe_dump(directory(n, communes, districts), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        path = folder / "plans" / f"kh-{n}.yaml"
        path.write_text(
            yaml.safe_dump(plan(n, year, districts), allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        paths.append(path)
    return paths


def resolve_and_fan_out(paths: list[Path]) -> int:
    calendar = vietnam_calendar()
    total = 0
    for path in paths:
        loaded = load_plan_file(path).plan
        total += len(expand_steps(loaded, resolve_deadlines(loaded, calendar)))
    return total


def floor(paths: list[Path]) -> int:
    """The same files read with the same YAML loader into plain dicts; the fan-out by hand."""
    total = 0
    for path in paths:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_PlanLoader)  # a SafeLoader
        name = data["plan"]["directory"]
        directory_text = (path.parent.parent / "directories" / f"{name}.yaml").read_text(
            encoding="utf-8"
        )
        entries = yaml.load(directory_text, Loader=_FastLoader)["agencies"]  # the same loader
        by_code = {entry["code"]: dict(entry) for entry in entries}
        area = {
            (e.get("area"), "mttq"): e["code"]
            for e in by_code.values()
            if "mttq" in e.get("groups", [])
        }
        communes = [e["code"] for e in by_code.values() if "xa" in e.get("groups", [])]
        for step in data["responsibilities"][0]["steps"]:
            total += len([(step["id"], c, area.get((c, "mttq"))) for c in communes])
    return total


def timed(run: Callable[[], int], repeats: int) -> tuple[float, int]:
    times, result = [], 0
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=34)
    parser.add_argument("--communes", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    print(describe_machine())
    for label, districts, year in (
        ("sau 01/07/2025, 2 cấp", 0, 2025),
        ("năm 2024, 3 cấp", 9, 2024),
    ):
        with tempfile.TemporaryDirectory() as folder:
            paths = write_files(Path(folder), args.provinces, args.communes, districts, year)
            seconds, steps = timed(lambda p=paths: resolve_and_fan_out(p), args.repeats)
            floor_seconds, floor_steps = timed(lambda p=paths: floor(p), args.repeats)
        assert steps == floor_steps, (steps, floor_steps)
        entries = args.provinces * (1 + DEPARTMENTS + districts + 2 * args.communes)
        print(
            f"{label}: {args.provinces} tỉnh, {entries} cơ quan, {steps} bước cụ thể: "
            f"{seconds:.2f} s (nền: đọc YAML và dựng dict {floor_seconds:.2f} s, "
            f"gấp {seconds / floor_seconds:.1f} lần)"
        )


if __name__ == "__main__":
    main()
