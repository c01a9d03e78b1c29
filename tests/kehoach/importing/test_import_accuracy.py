"""The measured reading of the seed and corpus texts does not get worse.

The figures are those of benchmarks/import_accuracy.py.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.kehoach.importing.documents import TRUTH

BENCHMARK = Path(__file__).resolve().parents[3] / "benchmarks" / "import_accuracy.py"


@pytest.fixture(scope="module")
def accuracy():
    spec = importlib.util.spec_from_file_location("import_accuracy", BENCHMARK)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


# (text, assignments, leads right, cooperators right, deadlines right) as measured.
MEASURED = [
    ("ninh-thuan-2024-so-ket", 13, 13, 10, 13),
    ("phutho-2021-bau-cu", 5, 5, 4, 5),
    ("bariavungtau-2012-bao-cao-cchc", 5, 5, 5, 5),
]


@pytest.mark.parametrize(("name", "total", "lead", "cooperating", "deadline"), MEASURED)
def test_each_text_is_read_at_least_as_well_as_measured(
    accuracy, name, total, lead, cooperating, deadline
):
    score = accuracy.score(TRUTH / f"{name}.yaml")
    assert score.total == total and score.extra == 0
    assert score.right["lead"] >= lead
    assert score.right["cooperating"] >= cooperating
    assert score.right["deadline"] >= deadline


def test_a_wrong_reading_is_counted_wrong(accuracy, tmp_path):
    truth = (TRUTH / "ninh-thuan-2024-so-ket.yaml").read_text(encoding="utf-8")
    wrong = tmp_path / "sai.yaml"
    wrong.write_text(
        truth.replace("../documents/", str(TRUTH.parent / "documents") + "/")
        .replace("../directories/", str(TRUTH.parent / "directories") + "/")
        .replace("lead: [SNV]", "lead: [STC]"),
        encoding="utf-8",
    )
    score = accuracy.score(wrong)
    assert score.right["lead"] == 11
