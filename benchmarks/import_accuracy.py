"""How well a plan document is read: the share of assignments whose lead, cooperators and
deadline are right, against a ground truth written by hand (tests/data/import_truth/*.yaml,
each with its reading explained).

Each truth assignment is paired with the extracted assignment whose words overlap it most
(one to one); a truth assignment left without a partner counts as wrong on every field.
Extracted assignments no truth pairs with are counted as extra.

    .venv/bin/python benchmarks/import_accuracy.py [TRUTH.yaml ...]
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kehoach.importing.agency_match import AgencyMatcher, DirectoryEntry, fold_text  # noqa: E402
from kehoach.importing.document import read_document  # noqa: E402
from kehoach.importing.draft import Assignment, DeadlineGuess  # noqa: E402
from kehoach.importing.extract import directory_entries, extract  # noqa: E402

TRUTH_DIR = ROOT / "tests" / "data" / "import_truth"
FIELDS = ("lead", "cooperating", "deadline")


@dataclass
class Score:
    name: str
    total: int = 0
    right: dict[str, int] | None = None
    all_right: int = 0
    extra: int = 0

    def share(self, count: int) -> str:
        return f"{count}/{self.total} ({100 * count / self.total:.0f}%)" if self.total else "-"


def matcher_of(truth: dict[str, Any], base: Path) -> AgencyMatcher:
    if "directory_file" in truth:
        return AgencyMatcher(directory_entries(base / truth["directory_file"]))
    entries = truth["directory"]
    return AgencyMatcher(
        [DirectoryEntry(e["code"], e["name"], e.get("short_name")) for e in entries]
    )


def words(text: str) -> set[str]:
    return set(fold_text(text).split())


def pair(truths: list[dict[str, Any]], found: list[Assignment]) -> list[Assignment | None]:
    """Each truth with the extracted assignment sharing most of its words (one to one)."""
    candidates = sorted(
        ((len(words(t["content"]) & words(a.content)) / len(words(t["content"])), i, j)
         for i, t in enumerate(truths) for j, a in enumerate(found)),
        reverse=True,
    )  # fmt: skip
    paired: list[Assignment | None] = [None] * len(truths)
    used: set[int] = set()
    for overlap, i, j in candidates:
        if overlap >= 0.5 and paired[i] is None and j not in used:
            paired[i], _ = found[j], used.add(j)
    return paired


def deadline_right(truth: dict[str, Any] | None, guess: DeadlineGuess | None) -> bool:
    if truth is None or guess is None:
        return truth is None and guess is None
    if truth["form"] != guess.form.value:
        return False
    expected_date = truth.get("date")
    if isinstance(expected_date, dt.date) and expected_date != guess.date:
        return False
    return all(truth.get(key) in (None, getattr(guess, key)) for key in ("day", "month", "days"))


def judged(truth: dict[str, Any], found: Assignment | None) -> dict[str, bool]:
    if found is None:
        return dict.fromkeys(FIELDS, False)
    return {
        "lead": set(truth["lead"]) == set(found.lead_codes) and _no_unknown(truth, found),
        "cooperating": set(truth["cooperating"]) == set(found.cooperating_codes),
        "deadline": deadline_right(truth["deadline"], found.deadline),
    }


def _no_unknown(truth: dict[str, Any], found: Assignment) -> bool:
    # "No lead named" is right only if nothing was guessed, not even an unknown name.
    return bool(truth["lead"]) or not found.lead


def score(path: Path) -> Score:
    truth = yaml.safe_load(path.read_text(encoding="utf-8"))
    base = path.parent
    matcher = matcher_of(truth, base)
    draft = extract(read_document(base / truth["document"]), matcher)
    expected = truth["assignments"]
    paired = pair(expected, draft.assignments)
    result = Score(path.stem, len(expected), dict.fromkeys(FIELDS, 0))
    assert result.right is not None
    for item, found in zip(expected, paired, strict=True):
        verdict = judged(item, found)
        for field in FIELDS:
            result.right[field] += verdict[field]
        result.all_right += all(verdict.values())
    result.extra = len(draft.assignments) - sum(found is not None for found in paired)
    return result


def report(scores: list[Score]) -> None:
    print(f"{'text':34} {'assignments':>11} {'lead':>12} {'cooperating':>12} "
          f"{'deadline':>12} {'all three':>12} {'extra':>5}")  # fmt: skip
    for s in scores:
        assert s.right is not None
        print(f"{s.name:34} {s.total:>11} {s.share(s.right['lead']):>12} "
              f"{s.share(s.right['cooperating']):>12} {s.share(s.right['deadline']):>12} "
              f"{s.share(s.all_right):>12} {s.extra:>5}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("truths", nargs="*", type=Path)
    args = parser.parse_args()
    paths = args.truths or sorted(TRUTH_DIR.glob("*.yaml"))
    report([score(path) for path in paths])


if __name__ == "__main__":
    main()
