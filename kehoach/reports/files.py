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
from kehoach.settings import Settings
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


REPORTS_SETTING = "KEHOACH_REPORTS_DIR"


def reports_folder(settings: Settings, *, writing: bool = True) -> Path:
    """Where the flows write reports and `kehoach web` serves them from.

    The default folder under KEHOACH_HOME is created when missing; a folder named by
    KEHOACH_REPORTS_DIR is not: a shared mount that is missing on this machine must be
    said, not replaced by a local folder the web service on another machine never sees."""
    if settings.reports_dir is None:
        return output_folder(settings.report_folder) if writing else settings.report_folder
    folder = settings.reports_dir
    if not folder.is_dir():
        why = "không phải là thư mục" if folder.exists() else "chưa có thư mục này"
        raise UserError(
            f"{REPORTS_SETTING}={folder}: {why}. Đặt biến này là thư mục chứa báo cáo (thư "
            "mục dùng chung đã gắn vào máy này khi chạy nhiều máy; xem docs/van-hanh.md)."
        )
    if writing and not _writable(folder):
        raise UserError(
            f"{REPORTS_SETTING}={folder}: không ghi được vào thư mục này; cấp quyền ghi cho "
            "người dùng chạy kehoach (với thư mục dùng chung: quyền ghi trên máy chủ tệp)."
        )
    return folder


def _writable(folder: Path) -> bool:
    """Tried, not read from the mode bits: a read-only mount or a root squash says no."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            return True
    except OSError:
        return False


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
