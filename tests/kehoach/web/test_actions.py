"""An agency acting through its link: each action lands in the record as the agency's own,
and every forged, stale, foreign or repeated request is refused with nothing written."""

from __future__ import annotations

import datetime as dt
import hashlib

import httpx
from sqlalchemy import select

from kehoach.services.links import revoke, step_path
from kehoach.services.status import statuses
from kehoach.store.tables import EventRow, StepRow
from kehoach.web.app import create_app
from kehoach.web.server import Background
from models.links import client_hash
from tests.kehoach.web.conftest import Web, events, used_forms

STEP = "IV.1.presentations@NINH_SON"


def step_url(web: Web, agency: str, key: str = STEP) -> str:
    return web.page_link(agency) + step_path("nt-2024-so-ket-vi-nguoi-ngheo", key)


def forms_of(
    web: Web, client: httpx.Client, agency: str, key: str = STEP
) -> dict[str, tuple[str, str]]:
    page = client.get(step_url(web, agency, key))
    assert page.status_code == 200, page.text
    return web.forms(page.text)


def last_event(web: Web) -> EventRow:
    with web.context.database.transaction() as session:
        row = session.scalar(select(EventRow).order_by(EventRow.id.desc()).limit(1))
        assert row is not None
        return row


def test_a_progress_report_is_recorded_as_the_agencys_through_its_link(
    web: Web, client: httpx.Client
) -> None:
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    answer = client.post(
        web.url + action,
        data={
            "form": token,
            "status": "submitted",
            "note": "Đã gửi tham luận",
            "link": "https://vanban.ninhthuan.gov.vn/tham-luan.pdf",
        },
    )
    assert answer.status_code == 303
    event = last_event(web)
    assert (event.kind, event.actor, event.status) == ("progress", "NINH_SON", "submitted")
    assert event.link == "https://vanban.ninhthuan.gov.vn/tham-luan.pdf"
    assert event.data["via"] == "link"
    assert event.data["client"] == client_hash(web.links.secret, "127.0.0.1")
    assert event.at == web.clock[0]
    # The coordinator's status reads it at once.
    with web.context.database.transaction() as session:
        [status] = [s for s in statuses(session, web.clock[0]) if s.key == STEP]
    assert status.state.progress.value == "submitted"
    shown = client.get(web.url + answer.headers["location"])
    assert "Đã ghi nhận" in shown.text and "qua liên kết của cơ quan" in shown.text


def test_an_uploaded_file_is_kept_with_its_hash_and_size(web: Web, client: httpx.Client) -> None:
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    content = "Báo cáo tham luận của huyện Ninh Sơn".encode() * 100
    answer = client.post(
        web.url + action,
        data={"form": token, "status": "done"},
        files={"file": ("tham-luan.docx", content, "application/octet-stream")},
    )
    assert answer.status_code == 303
    digest = hashlib.sha256(content).hexdigest()
    assert last_event(web).data["file"] == {
        "name": "tham-luan.docx",
        "size": len(content),
        "sha256": digest,
    }
    assert (web.context.settings.uploads_dir / digest).read_bytes() == content


def test_a_file_over_the_limit_is_refused_with_nothing_written(
    web: Web, client: httpx.Client
) -> None:
    web.context.settings.upload_limit_mb = 1
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    before = events(web.context)
    answer = client.post(
        web.url + action,
        data={"form": token, "status": "done"},
        files={"file": ("lon.pdf", b"x" * (3 * 1024 * 1024), "application/pdf")},
    )
    assert answer.status_code == 413
    assert "Tệp quá lớn" in answer.text
    assert events(web.context) == before


def test_a_difficulty_an_extension_request_and_a_cooperators_part_are_recorded(
    web: Web, client: httpx.Client
) -> None:
    forms = forms_of(web, client, "NINH_SON")
    action, token = forms["vuong-mac"]
    client.post(web.url + action, data={"form": token, "note": "Chưa có số liệu của xã"})
    assert (last_event(web).status, last_event(web).note) == ("blocked", "Chưa có số liệu của xã")
    action, token = forms["gia-han"]
    answer = client.post(
        web.url + action, data={"form": token, "to": "2024-04-19", "note": "Chờ số liệu"}
    )
    assert answer.status_code == 303
    assert (last_event(web).kind, last_event(web).data["to"]) == (
        "extension_requested",
        "2024-04-19",
    )
    action, token = forms_of(web, client, "NINH_SON", "IV.2.results_report")["phoi-hop"]
    client.post(web.url + action, data={"form": token, "note": "Đã gửi số liệu"})
    part = last_event(web)
    assert (part.kind, part.actor, part.data["via"]) == ("part_done", "NINH_SON", "link")


def test_a_cooperator_gets_no_lead_forms_and_cannot_post_them(
    web: Web, client: httpx.Client
) -> None:
    forms = forms_of(web, client, "NINH_SON", "IV.2.results_report")
    assert set(forms) == {"phoi-hop"}
    action, token = forms["phoi-hop"]
    before = events(web.context)
    answer = client.post(
        web.url + action.replace("phoi-hop", "tien-do"), data={"form": token, "status": "done"}
    )
    assert answer.status_code == 404
    assert events(web.context) == before


def test_a_replayed_form_is_refused_and_written_once(web: Web, client: httpx.Client) -> None:
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    first = client.post(web.url + action, data={"form": token, "status": "in_progress"})
    before = events(web.context), used_forms(web.context)
    again = client.post(web.url + action, data={"form": token, "status": "in_progress"})
    assert (first.status_code, again.status_code) == (303, 409)
    assert "đã được gửi" in again.text
    assert (events(web.context), used_forms(web.context)) == before


def test_a_tampered_link_is_refused_with_403(web: Web, client: httpx.Client) -> None:
    link = web.page_link("NINH_SON")
    payload, mac = link.rsplit("/", 1)[1].split(".")
    other = web.page_link("SNV").rsplit("/", 1)[1].split(".")[0]
    broken_mac = link.replace(mac, ("A" if mac[0] != "A" else "B") + mac[1:])
    # NINH_SON's signature on SNV's claims: acting as another agency.
    swapped = link.replace(payload, other)
    for forged in (broken_mac, swapped, link[:-3]):
        answer = client.get(forged)
        assert answer.status_code == 403
        assert "Liên kết không hợp lệ" in answer.text


def test_another_agencys_step_is_not_found_even_with_a_valid_link(
    web: Web, client: httpx.Client
) -> None:
    assert client.get(step_url(web, "SNV")).status_code == 404
    # Nor can its form token be carried to another agency's step.
    _, token = forms_of(web, client, "NINH_SON")["tien-do"]
    other = step_url(web, "NINH_HAI", "IV.1.presentations@NINH_HAI") + "/tien-do"
    before = events(web.context)
    answer = client.post(other, data={"form": token, "status": "done"})
    assert answer.status_code == 403
    assert events(web.context) == before


def test_an_expired_link_is_refused_with_410_and_writes_nothing(
    web: Web, client: httpx.Client
) -> None:
    page = step_url(web, "NINH_SON")
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    web.clock[0] += dt.timedelta(days=31)
    before = events(web.context)
    assert client.get(page).status_code == 410
    answer = client.post(web.url + action, data={"form": token, "status": "done"})
    assert answer.status_code == 410
    assert "hết hạn" in answer.text
    assert events(web.context) == before


def test_a_revoked_link_is_refused_and_a_new_one_works(web: Web, client: httpx.Client) -> None:
    old = web.page_link("NINH_SON")
    action, token = forms_of(web, client, "NINH_SON")["tien-do"]
    with web.context.database.transaction() as session:
        revoke(session, "NINH_SON", web.clock[0], "SLDTBXH")
    before = events(web.context)
    assert client.get(old).status_code == 403
    assert "thu hồi" in client.get(old).text
    assert client.post(web.url + action, data={"form": token, "status": "done"}).status_code == 403
    assert events(web.context) == before
    assert client.get(web.page_link("NINH_SON")).status_code == 200


def test_a_post_without_a_form_token_is_refused(web: Web, client: httpx.Client) -> None:
    before = events(web.context)
    answer = client.post(step_url(web, "NINH_SON") + "/tien-do", data={"status": "done"})
    assert answer.status_code == 403
    assert events(web.context) == before


def test_a_bad_entry_is_explained_and_the_form_can_be_sent_again(
    web: Web, client: httpx.Client
) -> None:
    action, token = forms_of(web, client, "NINH_SON")["gia-han"]
    bad = client.post(web.url + action, data={"form": token, "to": "2024-04-20", "note": "Chờ"})
    assert bad.status_code == 400
    assert "không phải ngày làm việc" in bad.text
    good = client.post(web.url + action, data={"form": token, "to": "2024-04-22", "note": "Chờ"})
    assert good.status_code == 303
    with web.context.database.transaction() as session:
        row = session.scalar(select(StepRow).where(StepRow.key == STEP))
        assert row is not None and row.extended_to is None  # a request, not a grant


def test_the_report_hook_hears_each_committed_action_and_no_refused_one(
    seeded: object, web: Web, client: httpx.Client
) -> None:
    heard: list[tuple[str, str]] = []
    app = create_app(web.context, clock=lambda: web.clock[0], on_report=lambda *a: heard.append(a))
    with Background(app) as other:
        action, token = forms_of(web, client, "NINH_SON")["tien-do"]
        posted = [client.post(other.url + action, data={"form": token, "status": "in_progress"})
                  for _ in range(2)]  # fmt: skip
    assert [p.status_code for p in posted] == [303, 409]
    assert heard == [("nt-2024-so-ket-vi-nguoi-ngheo", STEP)]
