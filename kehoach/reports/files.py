"""Writing report files whole or not at all, under names a person recognises."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from kehoach.errors import UserError
from kehoach.reports.record import ReportData
from kehoach.reports.word import write_report
from kehoach.reports.workbook import write_workbook
from models.timeutil import local_day


class ReportFiles(NamedTuple):
    document: Path
    workbook: Path


def report_files(data: ReportData, directory: Path) -> ReportFiles:
    stem = f"bao-cao-tien-do-{data.plan.plan.id}-{local_day(data.as_of):%d-%m-%Y}"
    folder = output_folder(directory)
    return ReportFiles(
        written(folder / f"{stem}.docx", lambda p: write_report(data, p)),
        written(folder / f"{stem}.xlsx", lambda p: write_workbook(data, p)),
    )


def output_folder(directory: Path) -> Path:
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UserError(f"Không tạo được thư mục {directory}: {error.strerror}.") from error
    return directory


def written(path: Path, write: Callable[[Path], object]) -> Path:
    """Write to a temporary file beside `path`, then rename: never a half-written report."""
    if path.exists() and not path.is_file():
        raise UserError(f"Không ghi được {path}: đã có một thư mục trùng tên.")
    handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=path.suffix)
    os.close(handle)
    try:
        write(Path(temporary))
        os.replace(temporary, path)
    except OSError as error:
        raise UserError(f"Không ghi được {path}: {error.strerror}.") from error
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)
    return path
