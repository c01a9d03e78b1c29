"""`kehoach sweep`, `reminders` and `channels check` as a coordinator runs them."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from sqlalchemy import String, cast, func, inspect, select, text

from kehoach.cli.main import _run, app
from kehoach.services.context import AppContext
from kehoach.store.base import Base
from kehoach.store.outbox_tables import MessageRow, ReminderItemRow
from tests.kehoach.conftest import email_everyone
from tests.smtp_sink import SMTP_PASSWORD, SmtpSink, agency_address, write_channels

PASSWORD = SMTP_PASSWORD


class Result:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err


@pytest.fixture
def kehoach(capsys: pytest.CaptureFixture[str]):
    def run(*args: str) -> Result:
        code = _run(lambda: app(list(args), standalone_mode=False))
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


def count(context: AppContext, table: type) -> int:
    with context.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def test_sweep_reports_in_vietnamese_what_it_selected_and_sent(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    result = kehoach("sweep", "--as-of", "2024-04-15T08:00")
    assert result.code == 0, result.err
    assert result.out.startswith("Rà soát nhắc việc lúc 08:00 15/04/2024 (giờ Việt Nam):")
    assert "nhắc việc mới cho" in result.out and "Kết quả gửi: đã gửi:" in result.out
    assert "  SNV: đã gửi — Nhắc việc ngày 15/04/2024:" in result.out
    again = kehoach("sweep", "--as-of", "2024-04-15T09:00")
    assert "Không có nhắc việc mới" in again.out


def test_sweep_json_lists_every_reminder_with_its_delivery(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    result = kehoach("sweep", "--as-of", "15/04/2024 08:00", "--json")
    document = json.loads(result.out)
    assert document["as_of"] == "2024-04-15T01:00:00+00:00" and not document["dry_run"]
    snv = [r for r in document["reminders"] if r["recipient"] == "SNV"]
    assert {r["step"] for r in snv} >= {"IV.3.appraisal", "IV.3.summary_report_draft"}
    assert {r["delivery"] for r in document["reminders"]} == {"sent"}
    assert {"rule", "rung", "occurrence", "message_id"} <= set(snv[0])
    message = next(m for m in document["messages"] if m["recipient"] == "SNV")
    assert message["results"][0]["ok"] and message["results"][0]["url"].startswith("mailto://")


def test_a_dry_run_prints_the_plan_of_action_and_writes_nothing(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    result = kehoach("sweep", "--as-of", "2024-04-15T08:00", "--dry-run")
    assert result.code == 0
    assert result.out.startswith("Chạy thử lúc 08:00 15/04/2024: không ghi, không gửi gì.")
    assert "- IV.3.appraisal: quá hạn (cấp 1)" in result.out
    assert count(mailer, ReminderItemRow) == 0 and smtp_sink.messages == []


def test_evening_sweeps_say_when_the_messages_will_go(kehoach, mailer: AppContext) -> None:
    # A Friday evening: reminders are selected, and wait for Monday's office hours.
    result = kehoach("sweep", "--as-of", "2024-04-19T18:00")
    assert "SNV: chưa gửi vì ngoài giờ làm việc hoặc ngày nghỉ; sẽ gửi từ 07:30 22/04/2024." in (
        result.out
    )


def test_reminders_lists_each_reminder_and_failed_ones_with_their_reason(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    assert kehoach("reminders").out.strip() == "Chưa có nhắc việc nào."
    smtp_sink.refuse.add(agency_address("SNV"))
    kehoach("sweep", "--as-of", "2024-04-15T08:00")
    listing = json.loads(kehoach("reminders", "--json").out)["reminders"]
    assert {r["state"] for r in listing} == {"sent", "failed"}
    failed = json.loads(kehoach("reminders", "--failed", "--json").out)["reminders"]
    assert {r["recipient"] for r in failed} == {"SNV"}
    assert "từ chối địa chỉ nhận snv@ninhthuan.gov.vn (mã 550)" in failed[0]["error"]
    table = kehoach("reminders", "--failed")
    # Issue 8 names the state "gửi lỗi" and lists every message that has not got through.
    assert "Nhắc việc chưa gửi được" in table.out and "gửi lỗi" in table.out


def test_channels_check_without_a_file_says_everything_goes_to_the_mail_folder(
    kehoach, seeded: AppContext
) -> None:
    result = kehoach("channels", "check")
    assert result.code == 0
    assert "Chưa đặt KEHOACH_APPRISE_CONFIG" in result.out
    assert str(seeded.settings.outbox_dir) in result.out


def test_channels_check_names_the_agencies_without_a_channel(
    kehoach, seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seeded.settings.apprise_config = write_channels(
        tmp_path / "kenh.yaml",
        [
            {
                "url": smtp_sink.url(agency_address("SNV"), user="nv", password=PASSWORD),
                "tag": "SNV",
            },
            {"url": smtp_sink.url("x@ninhthuan.gov.vn"), "tag": "SNVV"},
        ],
    )
    result = kehoach("channels", "check")
    assert result.code == 0
    assert "2 kênh hợp lệ" in result.out and "  SNV — Sở Nội vụ: mailto://nv:****@" in result.out
    assert "Các cơ quan chưa có kênh riêng" in result.out and "  STP — Sở Tư pháp" in result.out
    assert "Tag không khớp mã cơ quan nào trong các kế hoạch đã nạp (gõ sai?): snvv" in result.out
    assert PASSWORD not in result.out


def test_a_malformed_channel_file_exits_2_naming_file_and_entry_and_writes_nothing(
    kehoach, seeded: AppContext, tmp_path: Path
) -> None:
    config = tmp_path / "kenh.yaml"
    config.write_text(
        "version: 1\nurls:\n"
        "  - mailto://127.0.0.1:2525/snv@ninhthuan.gov.vn:\n      tag: SNV\n"
        f"  - mailtoo://nv:{PASSWORD}@smtp.ninhthuan.gov.vn:\n      tag: STP\n"
        "  - json://127.0.0.1:9/\n",
        encoding="utf-8",
    )
    seeded.settings.apprise_config = config
    result = kehoach("sweep", "--as-of", "2024-04-15T08:00")
    assert result.code == 2 and "Traceback" not in result.err
    assert f"Tệp cấu hình kênh gửi {config}" in result.err
    assert (
        "mục thứ 2 (dòng 5, mailtoo://smtp.ninhthuan.gov.vn): không có loại kênh 'mailtoo://'"
        in (result.err)
    )
    assert "mục thứ 3 (dòng 7, json://127.0.0.1:9): chưa có tag" in result.err
    assert PASSWORD not in result.err
    assert count(seeded, ReminderItemRow) == 0
    assert kehoach("channels", "check").code == 2


def test_a_config_that_is_not_yaml_is_reported_with_its_line(
    kehoach, seeded: AppContext, tmp_path: Path
) -> None:
    config = tmp_path / "kenh.yaml"
    config.write_text("version: 1\nurls:\n  - [mailto://a\n", encoding="utf-8")
    seeded.settings.apprise_config = config
    result = kehoach("channels", "check")
    assert result.code == 2 and "không phải YAML hợp lệ" in result.err and "dòng " in result.err


def test_a_bad_as_of_exits_2(kehoach, seeded: AppContext) -> None:
    result = kehoach("sweep", "--as-of", "32/04/2024")
    assert result.code == 2 and "--as-of '32/04/2024' không hợp lệ" in result.err


@pytest.mark.filterwarnings("ignore:Session.login_data is deprecated")
def test_secrets_never_reach_the_cli_output_the_logs_or_the_database(
    kehoach,
    seeded: AppContext,
    smtp_login_sink: SmtpSink,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    config = email_everyone(
        tmp_path / "kenh.yaml", smtp_login_sink, user="nhacviec", password=PASSWORD
    )
    # One agency with a wrong password, so an error is stored as well.
    wrong = config.read_text(encoding="utf-8").replace(
        f"nhacviec:{PASSWORD}@127.0.0.1:{smtp_login_sink.port}/snv",
        f"nhacviec:Sai-{PASSWORD}@127.0.0.1:{smtp_login_sink.port}/snv",
    )
    config.write_text(wrong, encoding="utf-8")
    seeded.settings.apprise_config = config
    outputs = [
        kehoach("sweep", "--as-of", "2024-04-15T08:00", "--json"),
        kehoach("sweep", "--as-of", "2024-04-16T08:00"),
        kehoach("sweep", "--as-of", "2024-04-17T08:00", "--dry-run", "--json"),
        kehoach("reminders", "--json"),
        kehoach("reminders", "--failed"),
        kehoach("channels", "check", "--json"),
    ]
    # Issue 8: a sweep in which a delivery failed exits 3 (the first one here: SNV).
    assert outputs[0].code == 3 and all(o.code in (0, 3) for o in outputs)
    assert len(smtp_login_sink.messages) > 20  # the password did work
    printed = "".join(o.out + o.err for o in outputs)
    assert "****" in printed and "từ chối đăng nhập (mã 535)" in printed
    assert PASSWORD not in printed
    assert PASSWORD not in caplog.text
    assert PASSWORD not in database_text(seeded)


def database_text(context: AppContext) -> str:
    """Every column of every table except the Zalo tokens, which must store their tokens."""
    pieces: list[str] = []
    with context.database.transaction() as session:
        for name in inspect(session.connection()).get_table_names():
            if name in ("zalo_tokens", "alembic_version") or name not in Base.metadata.tables:
                continue
            table = Base.metadata.tables[name]
            query = select(*(cast(c, String) for c in table.columns))
            pieces += [" ".join(str(v) for v in row) for row in session.execute(query)]
        pieces.append(str(session.execute(text("select count(*) from outbox_messages")).scalar()))
    assert count(context, MessageRow) > 0
    return "\n".join(pieces)


def test_the_example_channel_file_loads_and_prints_only_masked_urls(
    kehoach, seeded: AppContext
) -> None:
    example = Path(__file__).resolve().parents[3] / "config" / "apprise.example.yaml"
    seeded.settings.apprise_config = example
    result = kehoach("channels", "check")
    assert result.code == 0, result.err
    assert "7 kênh hợp lệ" in result.out  # 5 agencies' own, 2 accounts for directory contacts
    assert "danh bạ cơ quan cho cơ quan chưa có mục riêng: mailtos://nhacviec:****@" in result.out
    assert "  SNV — Sở Nội vụ: mailtos://nhacviec:****@ninhthuan.gov.vn/snv%40ninhthuan.gov.vn" in (
        result.out
    )
    assert "zalo://3012345678901234567:****@2468013579/" in result.out
    assert "  PCT_UBND — " in result.out and "BAC_AI — Ủy ban nhân dân huyện Bác Ái: zns://" in (
        result.out
    )
    assert "MAT_KHAU_HOP_THU" not in result.out and "APP_SECRET_KEY" not in result.out
    assert "Tag không khớp" not in result.out


def test_sweep_exits_3_when_a_delivery_failed_and_the_failed_message_can_be_resent(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.refuse.add(agency_address("SNV"))
    failed = kehoach("sweep", "--as-of", "2024-04-15T08:00")
    assert failed.code == 3
    assert "SNV: gửi lỗi" in failed.out and "1 thư chưa gửi được" in failed.out
    listed = kehoach("reminders", "--failed")
    assert "Nhắc việc chưa gửi được" in listed.out and "SNV" in listed.out
    smtp_sink.refuse.clear()
    resent = kehoach("reminders", "gui-lai")
    assert resent.code == 0 and resent.out.startswith("Đã đưa 1 thư vào hàng chờ gửi lại")
    again = kehoach("sweep", "--as-of", "2024-04-15T09:00")
    assert again.code == 0, again.out
    assert len(smtp_sink.to(agency_address("SNV"))) == 1
    assert kehoach("reminders", "gui-lai").out.startswith("Không có thư gửi lỗi")


def test_sweep_json_says_whether_a_delivery_failed(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.refuse_later.add(agency_address("SNV"))
    result = kehoach("sweep", "--as-of", "2024-04-15T08:00", "--json")
    assert result.code == 3 and json.loads(result.out)["delivery_failed"] is True


def test_releasing_a_claim_needs_a_message_number_or_all_and_makes_it_due(
    kehoach, mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    from kehoach.services.sweep import compose, select_reminders
    from kehoach.store.tables import PlanRow
    from notifications import outbox
    from tests.kehoach.conftest import at

    refused = kehoach("reminders", "giai-phong")
    assert refused.code == 2 and "--thu" in refused.err
    with mailer.database.transaction() as session:
        select_reminders(session, session.get_one(PlanRow, "nt-2024-so-ket-vi-nguoi-ngheo"), at(15))
        victim = compose(session, at(15))[0]
        assert outbox.claim(session, victim.message_id, at(15)) is not None  # then it dies
    released = kehoach("reminders", "giai-phong", "--thu", str(victim.message_id))
    assert released.out.startswith(f"Đã giải phóng 1 thư: {victim.message_id};")
    assert kehoach("reminders", "giai-phong", "--tat-ca").out.startswith("Không có thư nào")
    kehoach("sweep", "--as-of", "2024-04-15T08:05")
    assert len(smtp_sink.to(agency_address(victim.recipient))) == 1


def test_channels_check_says_agencies_without_a_channel_are_marked_no_channel(
    kehoach, seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    seeded.settings.apprise_config = write_channels(
        tmp_path / "kenh.yaml", [{"url": smtp_sink.url(agency_address("SNV")), "tag": "SNV"}]
    )
    result = kehoach("channels", "check")
    assert "ghi là «không có kênh», không phải «đã gửi»" in result.out
    assert "  STP — Sở Tư pháp" in result.out
