"""Every YAML example in README.md and docs/ is valid: a reader copies them (issue 10, item 11).

A fenced ```yaml block is a whole plan file unless the line just before its fence marks it:
`<!-- example: plan-sections -->` (top-level sections of a plan, each checked against the
schema of that section), `<!-- example: step -->` (one step or a list of steps),
`<!-- example: channels -->` (a channels file for reminders), `<!-- example: directory -->`
(a province directory file), `<!-- example: directory-plan -->` (a plan using the directory
examples of the same document). The marker is an HTML comment,
so it does not show where the Markdown is read.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from apprise import AppriseAsset
from pydantic import TypeAdapter

from kehoach.errors import UserError
from kehoach.store.directoryfile import load_directory_file
from kehoach.store.planfile import load_plan_file, parse_checked_yaml
from models.plan import Plan, Step
from notifications.sender import load_services

ROOT = Path(__file__).resolve().parents[1]
_FENCE = re.compile(
    r"^(?:<!-- example: (?P<kind>[a-z-]+) -->\n)?```ya?ml[^\n]*\n(?P<body>.*?)^```", re.M | re.S
)


@dataclass(frozen=True)
class Example:
    document: Path
    line: int
    kind: str
    text: str

    def __str__(self) -> str:
        return f"{self.document.relative_to(ROOT)}:{self.line} ({self.kind})"


def examples_in(document: Path) -> Iterator[Example]:
    text = document.read_text(encoding="utf-8")
    for match in _FENCE.finditer(text):
        line = text.count("\n", 0, match.start("body")) + 1
        yield Example(document, line, match["kind"] or "plan", match["body"])


def documents() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


def _plan(example: Example, work: Path) -> None:
    file = work / "example.yaml"
    file.write_text(example.text, encoding="utf-8")
    load_plan_file(file)


def _sections(example: Example, work: Path) -> None:
    data, _ = parse_checked_yaml(work / "example.yaml", example.text)
    for name, value in data.items():
        TypeAdapter(Plan.model_fields[name].annotation).validate_python(value)


def _step(example: Example, work: Path) -> None:
    data, _ = parse_checked_yaml(work / "example.yaml", example.text)
    TypeAdapter(list[Step]).validate_python(data if isinstance(data, list) else [data])


def _channels(example: Example, work: Path) -> None:
    file = work / "channels.yaml"
    file.write_text(example.text, encoding="utf-8")
    load_services(file, AppriseAsset())


def _directory(example: Example, work: Path) -> None:
    file = work / "directory.yaml"
    file.write_text(example.text, encoding="utf-8")
    load_directory_file(file)


def _directory_plan(example: Example, work: Path) -> None:
    # The plan names its directory by id: the same document's directory examples are put
    # where a plan looks for them (config/directories/ beside config/plans/).
    directories, plans = work / "config" / "directories", work / "config" / "plans"
    directories.mkdir(parents=True)
    plans.mkdir()
    for other in examples_in(example.document):
        if other.kind == "directory":
            data, _ = parse_checked_yaml(directories / "x.yaml", other.text)
            name = data["directory"]["id"]
            (directories / f"{name}.yaml").write_text(other.text, encoding="utf-8")
    (plans / "example.yaml").write_text(example.text, encoding="utf-8")
    load_plan_file(plans / "example.yaml")


CHECKS: dict[str, Callable[[Example, Path], None]] = {
    "plan": _plan,
    "directory": _directory,
    "directory-plan": _directory_plan,
    "plan-sections": _sections,
    "step": _step,
    "channels": _channels,
}


def check(example: Example, work: Path) -> None:
    """Raises if the example is not what it claims to be."""
    if example.kind not in CHECKS:
        raise AssertionError(f"{example}: unknown example marker")
    CHECKS[example.kind](example, work)


ALL = [example for document in documents() for example in examples_in(document)]


def test_the_readme_and_the_docs_have_yaml_examples_to_check() -> None:
    assert any(e.document.name == "README.md" and e.kind == "plan" for e in ALL)
    assert {e.kind for e in ALL} >= {"plan", "plan-sections", "step", "channels"}


@pytest.mark.parametrize("example", ALL, ids=str)
def test_every_yaml_example_in_the_readme_and_docs_is_valid(
    example: Example, tmp_path: Path
) -> None:
    check(example, tmp_path)


def _broken_copy(tmp_path: Path, old: str, new: str) -> Example:
    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    assert old in text
    copy = tmp_path / "README.md"
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    [example] = [e for e in examples_in(copy) if e.kind == "plan"]
    return Example(readme, example.line, example.kind, example.text)


def test_a_broken_plan_example_fails_the_check(tmp_path: Path) -> None:
    example = _broken_copy(tmp_path, "lead: SLDTBXH", "lead: SLDTBXH2")
    with pytest.raises(UserError, match="SLDTBXH2"):
        check(example, tmp_path)


def test_the_comma_trap_in_an_example_fails_the_check(tmp_path: Path) -> None:
    example = _broken_copy(
        tmp_path, 'name: "UBND các huyện, thành phố"', "name: UBND các huyện, thành phố"
    )
    with pytest.raises(UserError, match="dấu nháy kép"):
        check(example, tmp_path)


def test_a_broken_fragment_fails_the_check(tmp_path: Path) -> None:
    example = Example(ROOT / "README.md", 1, "plan-sections", "reminders: {overdue_evry: 2}\n")
    with pytest.raises(ValueError, match="overdue_evry"):
        check(example, tmp_path)


def test_a_broken_channels_example_fails_the_check(tmp_path: Path) -> None:
    text = "urls:\n  - nosuchscheme://x:\n      tag: SNV\n"
    with pytest.raises(UserError):
        check(Example(ROOT / "README.md", 1, "channels", text), tmp_path)
