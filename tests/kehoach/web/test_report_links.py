"""Report files behind signed, expiring links: what the Zalo summary and the dashboard carry."""

from __future__ import annotations

import datetime as dt

import httpx

from kehoach.reports import record
from kehoach.reports.files import report_files
from models.figures import PeriodKind
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
