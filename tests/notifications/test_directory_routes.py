"""Agencies without an entry of their own in the channels file are reached at their directory
contact, through the accounts the file declares once (tag `danh-ba`), with secrets kept there."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from kehoach.errors import PlanFileError, UserError
from kehoach.services.context import AppContext
from kehoach.services.plans import load_plan
from kehoach.services.sweep import load_channels, sweep
from notifications.zalo_tokens import SqlTokenStore, TokenPair
from tests.kehoach.conftest import run_cli
from tests.notifications.zalo_standin import ZaloStandIn
from tests.smtp_sink import SENDER, SmtpSink, write_channels

MINIMAL = Path(__file__).resolve().parents[1] / "data" / "minimal_plan.yaml"
OA_ID = "2468013579"
USER_ID = "4567890123456789012"
LOADED = dt.datetime(2024, 3, 20, 1, 0, tzinfo=dt.UTC)
SWEPT = dt.datetime(2024, 4, 24, 1, 0, tzinfo=dt.UTC)  # 08:00, all leads overdue
CONTACTS = {
    "SNV": {"name": "Văn thư", "email": "vanthu.snv@tinh.gov.vn"},
    "H1": {"zalo": USER_ID},
    "H2": {"email": "h2.danhba@tinh.gov.vn"},  # H2 has its own entry: this is not used
}


def plan_with_contacts(path: Path, contacts: dict[str, dict[str, str]] = CONTACTS) -> Path:
    document = yaml.safe_load(MINIMAL.read_text(encoding="utf-8"))
    for agency in document["agencies"]:
        if agency["code"] in contacts:
            agency["contact"] = contacts[agency["code"]]
    path.write_text(yaml.safe_dump(document, allow_unicode=True), encoding="utf-8")
    return path


def channels(path: Path, sink: SmtpSink, zalo: ZaloStandIn) -> Path:
    endpoints = f"api={zalo.base_url}&oauth={zalo.base_url}"
    entries: list[dict[str, Any]] = [
        {"url": f"mailto://127.0.0.1:{sink.port}/?from={SENDER}&mode=insecure", "tag": "danh-ba"},
        {"url": f"zalo://{zalo.app_id}:{zalo.secret_key}@{OA_ID}/?{endpoints}", "tag": "danh-ba"},
        {"url": sink.url("h2.rieng@tinh.gov.vn"), "tag": "H2"},
    ]
    return write_channels(path, entries)


@pytest.fixture
def zalo() -> Any:
    with ZaloStandIn() as standin:
        yield standin


@pytest.fixture
def routed(
    context: AppContext, smtp_sink: SmtpSink, zalo: ZaloStandIn, tmp_path: Path
) -> AppContext:
    loaded = context.load_plan_file(plan_with_contacts(tmp_path / "kh.yaml"))
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED)
    context.settings.apprise_config = channels(tmp_path / "kenh.yaml", smtp_sink, zalo)
    access, refresh = zalo.tokens()
    pair = TokenPair.from_expires_in(access, refresh, 90000, dt.datetime.now(dt.UTC))
    SqlTokenStore(context.database.engine).put(OA_ID, pair)
    return context


def test_an_agency_without_its_own_entry_gets_its_notice_at_its_directory_addresses(
    routed: AppContext, smtp_sink: SmtpSink, zalo: ZaloStandIn
) -> None:
    result = sweep(routed, SWEPT, clock=lambda: SWEPT)
    states = {d.recipient: d.state.value for d in result.delivery.delivered}
    assert states["SNV"] == states["H1"] == states["H2"] == "sent"
    [mail] = smtp_sink.to("vanthu.snv@tinh.gov.vn")
    assert mail["To"] == "vanthu.snv@tinh.gov.vn" and "Kính gửi: Sở Nội vụ" in str(
        mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    )
    [text] = zalo.texts_to(USER_ID)
    assert "Kính gửi: UBND huyện Một" in text
    # An agency's own entry wins over its directory address.
    assert len(smtp_sink.to("h2.rieng@tinh.gov.vn")) == 1
    assert smtp_sink.to("h2.danhba@tinh.gov.vn") == []
    # No agency is sent another's notice, nor the account's own mailbox.
    assert smtp_sink.to(SENDER) == []


def test_an_agency_with_no_address_and_no_entry_still_goes_to_the_mail_folder(
    routed: AppContext,
) -> None:
    result = sweep(routed, SWEPT, clock=lambda: SWEPT)
    [sld] = [d for d in result.delivery.delivered if d.recipient == "SLD"]
    assert sld.state.value == "no_channel"


def test_channels_check_says_which_channel_each_agency_uses_with_masked_addresses(
    routed: AppContext, zalo: ZaloStandIn, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_cli(capsys, "channels", "check")
    assert result.code == 0, result.err
    assert "SNV — Sở Nội vụ: theo danh bạ: thư điện tử v*********@tinh.gov.vn (qua mailto://" in (
        result.out
    )
    assert f"H1 — UBND huyện Một: theo danh bạ: Zalo OA …{USER_ID[-4:]} (qua zalo://" in result.out
    assert "vanthu.snv@" not in result.out and USER_ID not in result.out
    assert zalo.secret_key not in result.out and "danh-ba" not in result.out.split("Tag")[-1]
    assert "SLD — Sở Lao động" in result.out.split("chưa có kênh riêng")[1]
    report = json.loads(run_cli(capsys, "channels", "check", "--json").out)
    snv = next(a for a in report["agencies"] if a["code"] == "SNV")
    assert snv["own_channel"] and snv["directory"][0]["kind"] == "email"
    assert all("vanthu" not in url for url in snv["channels"])
    assert report["unknown_tags"] == []


def test_a_second_account_of_one_kind_is_refused_naming_the_file(
    routed: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = f"mailto://127.0.0.1:{smtp_sink.port}/?from={SENDER}&mode=insecure"
    routed.settings.apprise_config = write_channels(
        tmp_path / "hai.yaml", [{"url": url, "tag": "danh-ba"}, {"url": url, "tag": "danh-ba"}]
    )
    with pytest.raises(UserError) as refused:
        load_channels(routed)
    assert "hai.yaml" in refused.value.message
    assert "có hơn một tài khoản thư điện tử gắn tag 'danh-ba'" in refused.value.message


def test_an_account_tagged_for_the_directory_and_an_agency_is_refused(
    routed: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    url = f"mailto://127.0.0.1:{smtp_sink.port}/?from={SENDER}&mode=insecure"
    routed.settings.apprise_config = write_channels(
        tmp_path / "lan.yaml", [{"url": url, "tag": "danh-ba, SNV"}]
    )
    with pytest.raises(UserError, match="không gắn thêm mã cơ quan \\(SNV\\)"):
        load_channels(routed)


def test_a_malformed_directory_email_is_refused_naming_the_agency_and_the_file(
    context: AppContext, tmp_path: Path
) -> None:
    bad = {"SNV": {"email": "vanthu.snv@tinh"}, "H1": {"zalo": "Zalo của huyện"}}
    path = plan_with_contacts(tmp_path / "kh-loi.yaml", bad)
    with pytest.raises(PlanFileError) as refused:
        context.load_plan_file(path)
    text = refused.value.message
    assert "kh-loi.yaml" in text
    assert "cơ quan 'SNV' (Sở Nội vụ): thư điện tử không hợp lệ: 'vanthu.snv@tinh'" in text
    assert "cơ quan 'H1' (UBND huyện Một): Zalo không hợp lệ: 'Zalo của huyện'" in text


def test_a_phone_given_as_zalo_is_reached_through_the_zns_template_of_the_directory(
    context: AppContext, zalo: ZaloStandIn, tmp_path: Path
) -> None:
    path = plan_with_contacts(tmp_path / "kh.yaml", {"H1": {"zalo": "0912 345 678"}})
    with context.database.transaction() as session:
        load_plan(session, context.load_plan_file(path), LOADED)
    query = f"zns={zalo.base_url}&oauth={zalo.base_url}"
    url = f"zns://{zalo.app_id}:{zalo.secret_key}@{OA_ID}/mau01/?{query}"
    context.settings.apprise_config = write_channels(
        tmp_path / "zns.yaml", [{"url": url, "tag": "danh-ba"}]
    )
    access, refresh = zalo.tokens()
    pair = TokenPair.from_expires_in(access, refresh, 90000, dt.datetime.now(dt.UTC))
    SqlTokenStore(context.database.engine).put(OA_ID, pair)
    result = sweep(context, SWEPT, clock=lambda: SWEPT)
    [h1] = [d for d in result.delivery.delivered if d.recipient == "H1"]
    assert h1.state.value == "sent"
    [sent] = zalo.delivered("zns")
    assert sent.json["phone"] == "84912345678" and sent.json["template_id"] == "mau01"
