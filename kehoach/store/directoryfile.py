"""Province directory files (config/directories/<id>.yaml): reading, merging into a plan's
data, writing. The rules (validity, successors, merging) are in `models.directory`."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kehoach.errors import UserError
from kehoach.paths import bundled_config_dir
from kehoach.store.planfile import (
    LineIndex,
    _PlanLoader,
    error_message,
    format_path,
    read_data_file,
)
from models.directory import Directory, Merged, check_directory, merge_agencies


class _FastLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml when present, with the plan loader's rules: dates and times stay text."""

    yaml_implicit_resolvers = _PlanLoader.yaml_implicit_resolvers


_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_\-]*$")


class DirectoryFileError(UserError):
    def __init__(self, file: str, problems: list[str]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"Tệp danh bạ cơ quan {file} có {len(problems)} lỗi:\n{lines}")
        self.problems = problems


@dataclass(frozen=True)
class LoadedDirectory:
    directory: Directory
    path: Path
    sha256: str


def directories_dir() -> Path:
    return bundled_config_dir() / "directories"


def default_directory_path(directory_id: str) -> Path:
    """Where `co-quan nhap` writes: config/directories/<id>.yaml under the current folder,
    beside config/plans/, where a plan naming the directory finds it."""
    if not _ID.match(directory_id):
        raise UserError(
            f"Mã danh bạ '{directory_id}' chỉ gồm chữ không dấu, số, '_', '-' và bắt đầu bằng chữ."
        )
    return Path("config") / "directories" / f"{directory_id}.yaml"


def find_directory_file(directory_id: str) -> Path:
    """A directory by id: the current folder's config/directories, then the shipped ones."""
    local = default_directory_path(directory_id)
    shipped = directories_dir() / local.name
    found = next((path for path in (local, shipped) if path.is_file()), None)
    if found is None:
        raise UserError(
            f"Không tìm thấy danh bạ cơ quan '{directory_id}' (đã tìm: {local}, {shipped})."
        )
    return found


def find_directory(plan_path: Path, reference: str) -> Path:
    """An id is looked up beside the plan's folder (../directories/<id>.yaml), then among
    the shipped directories; a path (with '/' or '.yaml') is relative to the plan file."""
    if "/" in reference or reference.endswith((".yaml", ".yml")):
        candidates = [plan_path.parent / reference]
    else:
        name = f"{reference}.yaml"
        candidates = [plan_path.parent.parent / "directories" / name, directories_dir() / name]
    found = next((path for path in candidates if path.is_file()), None)
    if found is None:
        tried = ", ".join(str(path) for path in candidates)
        raise UserError(f"Không tìm thấy danh bạ cơ quan '{reference}' (đã tìm: {tried}).")
    return found


def load_directory_file(path: Path) -> LoadedDirectory:
    """A validated directory, or DirectoryFileError naming each problem's line."""
    text = read_data_file(path, "danh bạ cơ quan")
    try:
        data, index = _parse(text)
        directory = Directory.model_validate(data)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{path.name}:{mark.line + 1}" if mark else path.name
        problem = getattr(exc, "problem", None) or str(exc)
        raise DirectoryFileError(str(path), [f"{where}: YAML không hợp lệ: {problem}"]) from None
    except ValidationError as exc:
        problems = [
            f"{path.name}:{index.line(tuple(e['loc']))} {format_path(tuple(e['loc']))}: "
            f"{error_message(e)}"
            for e in exc.errors()
        ]
        raise DirectoryFileError(str(path), problems) from None
    issues = check_directory(directory)
    if issues:
        problems = [
            f"{path.name}:{index.line(i.path)} {format_path(i.path)}: {i.message}" for i in issues
        ]
        raise DirectoryFileError(str(path), problems)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return LoadedDirectory(directory, path.resolve(), digest)


def _parse(text: str) -> tuple[Any, LineIndex]:
    """Data and line index from ONE pass of libyaml: a province's directory has thousands of
    entries, and the pure-Python parser twice (data, then lines) costs seconds."""
    loader = _FastLoader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return data, LineIndex(node)


def merge_into(data: dict[str, Any], loaded: LoadedDirectory, day: dt.date) -> Merged:
    """The plan's raw data with the directory's agencies and groups merged in (in place)."""
    own = data.get("agencies") or []
    own_groups = data.get("groups") or []
    if not isinstance(own, list) or not isinstance(own_groups, list):
        return Merged(own, own_groups, [], {})  # left for validation to report
    merged = merge_agencies(loaded.directory, own, own_groups, day)
    data["agencies"], data["groups"] = merged.agencies, merged.groups
    return merged


# --- Writing -----------------------------------------------------------------------------------


def directory_yaml(directory: Directory) -> str:
    """The directory as a YAML file a person can read and edit: one block per agency."""
    data = directory.model_dump(mode="json", exclude_defaults=True)
    header = (
        f"# Province directory: {directory.directory.name}\n"
        "# Written by `kehoach co-quan nhap`; edit here or export to Excel (`co-quan xuat`).\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def write_directory_file(path: Path, directory: Directory) -> bool:
    """Writes the file if its content changes; True when written. Whole or nothing."""
    text = directory_yaml(directory)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    temporary.replace(path)
    return True
