"""`kehoach nhap-van-ban`: a plan document (.docx/.txt) drafted into a review sheet."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kehoach.errors import UserError
from kehoach.importing.agency_match import AgencyMatcher
from kehoach.importing.document import read_document
from kehoach.importing.extract import directory_entries, extract
from kehoach.importing.review import write_review


def nhap_van_ban(
    document: Annotated[
        Path, typer.Argument(metavar="VĂN_BẢN", help="Văn bản kế hoạch (.docx hoặc .txt).")
    ],
    output: Annotated[Path, typer.Option("--ra", help="Bảng rà soát sẽ ghi ra (.xlsx).")],
    directory: Annotated[
        Path | None,
        typer.Option(
            "--danh-ba", help="Danh bạ cơ quan để đối chiếu tên (tệp kế hoạch hoặc danh bạ)."
        ),
    ] = None,
    overwrite: Annotated[bool, typer.Option("--ghi-de", help="Ghi đè bảng đã có.")] = False,
) -> None:
    """Đọc văn bản kế hoạch, lập bảng rà soát nhiệm vụ để cơ quan điều phối kiểm tra rồi nhập."""
    _check_output(output, overwrite)
    matcher = AgencyMatcher(directory_entries(directory) if directory else [])
    draft = extract(read_document(document), matcher)
    summary = write_review(draft, matcher, output)
    typer.echo(
        f"Đã đọc {document.name}: tìm thấy {summary.assignments} nhiệm vụ (từ {draft.found_in}); "
        f"{summary.cells_to_check} ô cần kiểm tra (tô vàng, có ghi chú lý do).\n"
        f"Đã ghi bảng rà soát: {output}\n"
        "Đây là bản nháp, chưa nạp vào hệ thống: đề nghị rà soát, sửa các ô tô vàng, đối chiếu "
        "với cột “Câu trích từ văn bản”, rồi nhập bảng đã sửa."
    )
    if directory is None:
        typer.echo("Chưa có danh bạ cơ quan: tên cơ quan được giữ như trong văn bản, cần chọn lại.")


def _check_output(output: Path, overwrite: bool) -> None:
    if output.suffix.lower() != ".xlsx":
        raise UserError(f"Bảng rà soát phải là tệp .xlsx (đã ghi: {output.name}).")
    if not output.parent.is_dir():
        raise UserError(f"Không có thư mục {output.parent} để ghi bảng rà soát.")
    if output.exists() and not overwrite:
        raise UserError(
            f"Tệp {output} đã có (có thể là bảng đang rà soát); chọn tên khác hoặc thêm --ghi-de."
        )


def register(app: typer.Typer) -> None:
    app.command("nhap-van-ban")(nhap_van_ban)
