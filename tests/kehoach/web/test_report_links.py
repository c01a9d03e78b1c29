"""Report files behind signed, expiring links: what the Zalo summary and the dashboard carry."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import httpx
import pytest

from kehoach.errors import UserError
from kehoach.reports import record
from kehoach.reports.files import report_files, reports_folder
from kehoach.services.context import AppContext
from kehoach.settings import Settings
from models.figures import PeriodKind
from tests.kehoach.conftest import run_cli
from tests.kehoach.web.conftest import NOW, Web

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def written_report(web: Web):
    with web.context.database.transaction() as session:
        data = record.plan_report(session, None, NOW, PeriodKind.WEEK)
    return report_files(data, web.context.settings.home / "bao-cao")


def test_a_report_link_serves_the_file_with_its_content_type(
    web: Web, client: httpx.Client
) -> None:
    files = written_report(web)
    for path, kind in ((files.document, DOCX), (files.workbook, XLSX)):
        link = web.links.report(path, NOW)
        assert link.startswith(f"{web.url}/bao-cao/") and str(path.parent) not in link
        response = client.get(link)
        assert response.status_code == 200
        assert response.headers["content-type"] == kind
        assert response.content == path.read_bytes()
        assert "attachment" in response.headers["content-disposition"]


def test_a_tampered_renamed_or_expired_report_link_is_refused(
    web: Web, client: httpx.Client
) -> None:
    files = written_report(web)
    link = web.links.report(files.document, NOW)
    token = link.split("/")[-2]
    tampered = link.replace(token, token[:-2] + ("AA" if token[-2:] != "AA" else "BB"))
    other_file = link.rsplit("/", 1)[0] + "/" + files.workbook.name
    page_token = web.page_link("SLDTBXH").rsplit("/", 1)[-1]
    as_page = f"{web.url}/bao-cao/{page_token}/{files.document.name}"
    for refused in (tampered, other_file, as_page):
        response = client.get(refused)
        assert response.status_code == 403 and "Liên kết không hợp lệ" in response.text
    web.clock[0] = NOW + dt.timedelta(days=web.links.days, seconds=1)
    assert client.get(link).status_code == 410  # expired: gone, as for an agency's link


def test_a_report_written_on_another_machine_into_the_shared_folder_is_served(
    web: Web, client: httpx.Client, tmp_path: Path
) -> None:
    """The worker machine has its own KEHOACH_HOME; both machines name one shared folder."""
    shared = tmp_path / "thu-muc-chung"
    shared.mkdir()
    web.context.settings.reports_dir = shared
    worker = Settings(
        home=tmp_path / "may-chay-viec",
        database_url=web.context.settings.sqlalchemy_url,
        reports_dir=str(shared),
    )
    with web.context.database.transaction() as session:
        data = record.plan_report(session, None, NOW, PeriodKind.WEEK)
    files = report_files(data, reports_folder(worker))
    assert files.document.parent == shared
    assert not (worker.home / "bao-cao").exists()
    response = client.get(web.links.report(files.document, NOW))
    assert response.status_code == 200 and response.content == files.document.read_bytes()


def test_a_reports_setting_that_is_no_folder_is_refused_naming_the_setting(
    tmp_path: Path,
) -> None:
    a_file = tmp_path / "tep.txt"
    a_file.write_text("không phải thư mục", encoding="utf-8")
    for value, why in ((a_file, "không phải là thư mục"), (tmp_path / "chua-gan", "chưa có")):
        settings = Settings(home=tmp_path / "nha", reports_dir=str(value))
        for writing in (True, False):
            with pytest.raises(UserError) as refused:
                reports_folder(settings, writing=writing)
            assert refused.value.message.startswith(f"KEHOACH_REPORTS_DIR={value}: {why}")
    assert not (tmp_path / "chua-gan").exists()  # a missing mount is not replaced locally


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any folder")
def test_a_reports_folder_that_cannot_be_written_is_refused_naming_the_setting(
    tmp_path: Path,
) -> None:
    locked = tmp_path / "chi-doc"
    locked.mkdir()
    locked.chmod(0o555)
    settings = Settings(home=tmp_path / "nha", reports_dir=str(locked))
    with pytest.raises(UserError, match=r"KEHOACH_REPORTS_DIR=.*không ghi được"):
        reports_folder(settings)
    assert reports_folder(settings, writing=False) == locked  # reading it is enough to serve


def test_an_empty_reports_setting_means_the_folder_under_kehoach_home(tmp_path: Path) -> None:
    settings = Settings(home=tmp_path / "nha", reports_dir="")
    assert reports_folder(settings) == tmp_path / "nha" / "bao-cao"
    assert (tmp_path / "nha" / "bao-cao").is_dir()
    assert "dùng chung" in (Settings.model_fields["reports_dir"].description or "")


def test_kehoach_web_does_not_start_on_a_shared_folder_that_is_not_mounted(
    context: AppContext,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import uvicorn

    def started(*_: object, **__: object) -> None:
        raise AssertionError("the web service started on a folder that is not mounted")

    # Without the check the service would serve forever: fail instead of hanging.
    monkeypatch.setattr(uvicorn.Server, "run", started)
    context.settings.reports_dir = tmp_path / "chua-gan"
    result = run_cli(capsys, "web", "--port", "0")
    assert result.code == 2
    assert f"KEHOACH_REPORTS_DIR={tmp_path / 'chua-gan'}: chưa có thư mục này" in result.err
    assert "Traceback" not in result.err and "đang chạy" not in result.out
