"""Sweeps over the seed plan, March–April 2024, against a real SMTP server and a Zalo stand-in."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections import Counter
from email.header import decode_header, make_header
from pathlib import Path

import pytest
from sqlalchemy import func, select

from kehoach.errors import UserError
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.sweep import compose, deliver, notify_deadlines_moved, select_reminders, sweep
from kehoach.settings import Settings
from kehoach.store.outbox_tables import (
    DeliveryAttemptRow,
    MessageRow,
    MessageState,
    ReminderItemRow,
)
from kehoach.store.tables import PlanRow
from models.reminders import Rule
from notifications import outbox
from notifications.zalo_tokens import SqlTokenStore, TokenPair
from tests.kehoach.conftest import at
from tests.notifications.zalo_standin import ZaloStandIn
from tests.smtp_sink import SmtpSink, agency_address, write_channels

PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"


def arrivals(sink: SmtpSink) -> Counter[str]:
    return Counter(str(m["To"]) for m in sink.messages)


def rows(context: AppContext, table: type) -> int:
    with context.database.transaction() as session:
        return int(session.scalar(select(func.count()).select_from(table)) or 0)


def states(context: AppContext) -> Counter[str]:
    with context.database.transaction() as session:
        return Counter(session.scalars(select(MessageRow.state)))


# --- What arrives ----------------------------------------------------------------------


def test_a_sweep_emails_each_agency_one_vietnamese_digest(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    result = sweep(mailer, at(15))
    recipients = {item.recipient for item in result.selected}
    assert len(result.delivery.delivered) == len(recipients) > 20
    assert all(d.state is MessageState.SENT for d in result.delivery.delivered)
    assert arrivals(smtp_sink) == Counter({agency_address(code): 1 for code in recipients})
    [snv] = smtp_sink.to(agency_address("SNV"))
    assert snv["Subject"].startswith("Nhắc việc ngày 15/04/2024: ")
    text = snv.get_body(("plain",)).get_content()
    assert text.startswith("Kính gửi: Sở Nội vụ")
    # Issue 9: the plan's numbering and title, not the step slug; the office's register.
    assert "Nhiệm vụ IV.3 – Thẩm định thành tích" in text and "IV.3.appraisal" not in text
    assert "Tình trạng: quá hạn 5 ngày làm việc." in text
    assert "Hạn hoàn thành: 08/04/2024 – do Sở LĐTB&XH (cơ quan đầu mối) ấn định" in text
    assert "Trân trọng./." in text
    # Decoded as a mail client does: Python's parser puts a space between two encoded-words.
    sender = str(make_header(decode_header(dict(snv.raw_items())["From"])))
    assert sender.startswith("Sở Lao động – Thương binh và Xã hội <")
    html = snv.get_body(("html",)).get_content()
    assert "<li>Tình trạng: quá hạn 5 ngày làm việc</li>" in html
    assert len({m["Message-ID"] for m in smtp_sink.messages}) == len(smtp_sink.messages)


def test_the_same_sweep_twice_the_same_day_sends_nothing_new(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    first = sweep(mailer, at(15))
    again = sweep(mailer, at(15, hour=10))
    assert again.selected == [] and again.delivery.delivered == []
    assert len(smtp_sink.messages) == len(first.delivery.delivered)


def test_the_next_day_only_new_occurrences_are_sent(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    first = sweep(mailer, at(15))
    next_day = sweep(mailer, at(16))
    assert not {i.key for i in first.selected} & {i.key for i in next_day.selected}
    assert len(smtp_sink.messages) == len(first.delivery.delivered) + len(
        next_day.delivery.delivered
    )


def test_without_a_channel_file_reminders_land_in_the_mail_folder(seeded: AppContext) -> None:
    result = sweep(seeded, at(20, month=3))
    [delivery] = result.delivery.delivered
    assert delivery.recipient == "SLDTBXH" and delivery.state is MessageState.SENT
    [path] = seeded.settings.outbox_dir.glob("*.eml")
    text = path.read_text(encoding="utf-8")
    assert "Subject: Nhắc việc ngày 20/03/2024: 1 việc sắp đến hạn" in text
    assert "Hạn hoàn thành: 27/03/2024 – do Sở LĐTB&XH" in text


# --- Never twice, never lost -----------------------------------------------------------


def test_two_sweeps_at_once_in_two_threads_deliver_each_message_once(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.delay = 0.01  # keep the two sweeps overlapping
    settings = mailer.settings
    contexts = [
        AppContext(Settings(home=settings.home, apprise_config=settings.apprise_config))
        for _ in range(2)
    ]
    for context in contexts:
        context.database  # noqa: B018  (open and migrate before the race)
    barrier = threading.Barrier(2)
    results = []

    def run(context: AppContext) -> None:
        barrier.wait()
        results.append(sweep(context, at(15)))

    threads = [threading.Thread(target=run, args=(c,)) for c in contexts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    sent = sum(len(r.delivery.delivered) for r in results)
    assert sent == len(smtp_sink.messages) == states(mailer)[MessageState.SENT] > 20
    assert max(arrivals(smtp_sink).values()) == 1
    for context in contexts:
        context.close()


def test_two_sweep_processes_at_once_deliver_each_message_once(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.delay = 0.01
    env = dict(os.environ, KEHOACH_APPRISE_CONFIG=str(mailer.settings.apprise_config))
    command = [str(Path(sys.executable).parent / "kehoach"), "sweep", "--as-of", "2024-04-15T08:00"]
    processes = [
        subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        for _ in range(2)
    ]
    outputs = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0], outputs
    assert len(smtp_sink.messages) == states(mailer)[MessageState.SENT] > 20
    assert max(arrivals(smtp_sink).values()) == 1


def test_with_the_mail_server_down_nothing_is_lost_and_when_back_nothing_is_doubled(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.stop()
    down = sweep(mailer, at(15))
    assert {d.state for d in down.delivery.delivered} == {MessageState.DEFERRED}
    assert smtp_sink.messages == []
    smtp_sink.start()
    back = sweep(mailer, at(15, minute=5))
    assert back.selected == []
    assert {d.state for d in back.delivery.delivered} == {MessageState.SENT}
    later = sweep(mailer, at(15, hour=11))
    assert later.delivery.delivered == []
    expected = {item.recipient for item in down.selected}
    assert arrivals(smtp_sink) == Counter({agency_address(code): 1 for code in expected})


def test_a_sender_that_dies_after_claiming_delays_its_message_by_the_lease_only(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    with mailer.database.transaction() as session:
        plan_row = session.get_one(PlanRow, PLAN)
        select_reminders(session, plan_row, at(15))
        composed = compose(session, at(15))
    victim = composed[0]
    with mailer.database.transaction() as session:
        assert outbox.claim(session, victim.message_id, at(15)) is not None  # then it crashes
    # The lease runs on the real clock (here a controlled one), not the sweep's moment.
    first = deliver(mailer, at(15, minute=1), clock=lambda: at(15, minute=1))
    assert victim.message_id not in {d.message_id for d in first.delivered}
    assert smtp_sink.to(agency_address(victim.recipient)) == []
    recovered = deliver(mailer, at(15, minute=11), clock=lambda: at(15, minute=11))
    assert [d.message_id for d in recovered.delivered] == [victim.message_id]
    assert len(smtp_sink.messages) == len(composed)
    assert max(arrivals(smtp_sink).values()) == 1


# --- Quiet time ------------------------------------------------------------------------


def test_on_saturday_20_4_2024_nothing_is_sent_and_monday_brings_one_digest(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    saturday = sweep(mailer, at(20, hour=10))
    assert saturday.selected and smtp_sink.messages == []
    assert {c.next_attempt_at for c in saturday.composed} == {at(22, hour=7, minute=30)}
    sunday = sweep(mailer, at(21, hour=10))
    assert smtp_sink.messages == []
    monday = sweep(mailer, at(22))
    assert len(monday.delivery.delivered) == len(
        {i.recipient for i in saturday.selected + sunday.selected + monday.selected}
    )
    assert max(arrivals(smtp_sink).values()) == 1
    # Leaders get "Báo cáo tình hình ngày …", agencies "Nhắc việc ngày …" (issue 9).
    days = {m["Subject"].split(":")[0].split(" ngày ")[-1] for m in smtp_sink.messages}
    assert days == {"22/04/2024"}


def test_on_hung_kings_day_18_4_2024_nothing_is_sent_until_friday_morning(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    holiday = sweep(mailer, at(18, hour=9))
    assert holiday.selected and smtp_sink.messages == []
    assert sweep(mailer, at(19, hour=7, minute=29)).delivery.delivered == []
    friday = sweep(mailer, at(19, hour=7, minute=30))
    assert friday.delivery.delivered and len(smtp_sink.messages) == len(friday.delivery.delivered)


def test_after_office_hours_reminders_wait_for_the_next_morning(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    evening = sweep(mailer, at(16, hour=17, minute=30))
    assert evening.selected and smtp_sink.messages == []
    early = sweep(mailer, at(17, hour=7))
    assert smtp_sink.messages == [] and early.delivery.delivered == []
    morning = sweep(mailer, at(17, hour=7, minute=30))
    assert len(smtp_sink.messages) == len(morning.delivery.delivered) > 0
    assert max(arrivals(smtp_sink).values()) == 1


# --- Escalation, the event date, dry runs, bad configuration ---------------------------


def recipients_of(context: AppContext, step: str, moment: dt.datetime) -> set[str]:
    return {
        i.recipient for i in sweep(context, moment, dry_run=True).selected if i.step_key == step
    }


def test_the_ladder_widens_as_the_results_report_gets_later(seeded: AppContext) -> None:
    # Deadline 27/03/2024; 28/03 is 1 working day late, 01/04 three, 04/04 six.
    step = "IV.2.results_report"
    assert recipients_of(seeded, step, at(28, month=3)) == {"SLDTBXH"}
    three = recipients_of(seeded, step, at(1))
    assert {"SLDTBXH", "SNV", "PRTC", "BAO_NT"} <= three and "PCT_UBND" not in three
    six = recipients_of(seeded, step, at(4))
    assert {"VPUBND", "PCT_UBND"} <= six


def test_a_dry_run_shows_what_would_be_sent_and_writes_nothing(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    result = sweep(mailer, at(15), dry_run=True)
    assert result.dry_run and result.previews
    snv = next(p for p in result.previews if p.digest.recipient == "SNV")
    assert snv.channels[0].startswith("mailto://127.0.0.1:")
    assert rows(mailer, ReminderItemRow) == rows(mailer, MessageRow) == 0
    assert smtp_sink.messages == [] and not mailer.settings.outbox_dir.exists()


def planned(result: object) -> list[tuple[str, str]]:
    return [(p.digest.recipient, p.digest.subject) for p in result.previews]  # type: ignore[attr-defined]


def sent_by(result: object) -> list[tuple[str, str]]:
    delivered = result.delivery.delivered  # type: ignore[attr-defined]
    return sorted((d.recipient, d.subject) for d in delivered)


def test_a_dry_run_on_monday_shows_the_digests_queued_over_the_weekend_as_the_sweep_sends(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    # Issue 9, item 9: the dry run showed only new reminders (1 message) where the real
    # sweep then sent every queued digest (16).
    sweep(mailer, at(20, hour=10))
    sweep(mailer, at(21, hour=10))
    preview = sweep(mailer, at(22, hour=8), dry_run=True)
    assert smtp_sink.messages == []
    real = sweep(mailer, at(22, hour=8))
    assert len(real.delivery.delivered) > 1
    assert planned(preview) == sent_by(real)


def test_a_dry_run_includes_the_retries_that_are_due(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    smtp_sink.refuse_later.add(agency_address("SNV"))
    sweep(mailer, at(15))
    smtp_sink.refuse_later.clear()
    preview = sweep(mailer, at(15, hour=9), dry_run=True)
    real = sweep(mailer, at(15, hour=9))
    assert planned(preview) == sent_by(real) and [r for r, _ in planned(preview)] == ["SNV"]


def test_a_malformed_channel_file_stops_the_sweep_before_anything_is_written(
    seeded: AppContext, smtp_sink: SmtpSink, tmp_path: Path
) -> None:
    config = write_channels(
        tmp_path / "kenh.yaml",
        [
            {"url": smtp_sink.url(agency_address("SNV")), "tag": "SNV"},
            {
                "url": "mailtos://nhacviec:MatKhau-Bi-Mat@smtp.ninhthuan.gov.vn?mode=khong-co",
                "tag": "STP",
            },
        ],
    )
    seeded.settings.apprise_config = config
    with pytest.raises(UserError) as raised:
        sweep(seeded, at(15))
    message = raised.value.message
    assert str(config) in message and "mục thứ 2 (dòng" in message
    assert "mailtos://smtp.ninhthuan.gov.vn" in message and "MatKhau-Bi-Mat" not in message
    assert rows(seeded, ReminderItemRow) == 0 and smtp_sink.messages == []


def test_confirming_the_event_date_tells_each_moved_step_its_new_deadline(
    mailer: AppContext, smtp_sink: SmtpSink
) -> None:
    now = at(2)
    with mailer.database.transaction() as session:
        change = tracking.confirm_event(session, PLAN, dt.date(2024, 4, 26), now)
        items = notify_deadlines_moved(session, change, now)
    assert change.moved_steps and {i.rule for i in items} == {Rule.DEADLINE_MOVED}
    assert {i.occurrence for i in items} == {"2024-04-26"}
    draft = next(
        i for i in items if i.step_key == "IV.3.summary_report_draft" and i.recipient == "SNV"
    )
    assert (draft.previous_deadline, draft.deadline) == (dt.date(2024, 4, 8), dt.date(2024, 4, 9))
    with mailer.database.transaction() as session:
        assert notify_deadlines_moved(session, change, now) == []
    sweep(mailer, now)
    [snv] = smtp_sink.to(agency_address("SNV"))
    text = snv.get_body(("plain",)).get_content()
    assert "Tình trạng: đổi hạn từ 08/04/2024 sang 09/04/2024." in text
    assert "Hạn mới: 09/04/2024 (hạn trước đây 08/04/2024; do Sở LĐTB&XH" in text


def test_selecting_one_responsibility_selects_only_its_steps(seeded: AppContext) -> None:
    with seeded.database.transaction() as session:
        plan_row = session.get_one(PlanRow, PLAN)
        items = select_reminders(session, plan_row, at(15), responsibility_id="IV.3")
    assert items and {i.step_key.split(".")[1] for i in items} == {"3"}


# --- Zalo through the sweep ------------------------------------------------------------


def zalo_for_snv(context: AppContext, zalo: ZaloStandIn, tmp_path: Path) -> str:
    user_id = "4567890123456789012"
    url = f"zalo://{zalo.app_id}:{zalo.secret_key}@2468013579/{user_id}?api={zalo.base_url}&oauth={zalo.base_url}"
    context.settings.apprise_config = write_channels(
        tmp_path / "zalo.yaml", [{"url": url, "tag": "SNV"}]
    )
    access, refresh = zalo.tokens()
    pair = TokenPair.from_expires_in(access, refresh, 90000, dt.datetime.now(dt.UTC))
    SqlTokenStore(context.database.engine).put("2468013579", pair)
    return user_id


def test_zalo_reaches_an_agency_through_the_sweep_within_one_message(
    seeded: AppContext, tmp_path: Path
) -> None:
    with ZaloStandIn() as zalo:
        user_id = zalo_for_snv(seeded, zalo, tmp_path)
        result = sweep(seeded, at(15))
        [text] = zalo.texts_to(user_id)
    snv = next(d for d in result.delivery.delivered if d.recipient == "SNV")
    assert snv.state is MessageState.SENT and snv.results[0].url.startswith("zalo://")
    assert text.startswith("Kính gửi: Sở Nội vụ. Sở LĐTB&XH nhắc") and len(text) <= 2000
    body, _, tracking = text.rpartition("\nSố hiệu: ")
    assert body.endswith("Trân trọng./.") and tracking  # the identifier follows the closing
    assert "Nhiệm vụ IV.3 – Thẩm định thành tích" in text and "quá hạn 5 ngày làm việc" in text
    assert zalo.secret_key not in snv.results[0].url


def test_zalo_with_an_expired_token_refreshes_and_an_outage_is_retried(
    seeded: AppContext, tmp_path: Path
) -> None:
    with ZaloStandIn() as zalo:
        user_id = zalo_for_snv(seeded, zalo, tmp_path)
        zalo.expire_access_token(-216)
        sweep(seeded, at(15))
        assert len(zalo.texts_to(user_id)) == 1 and zalo.refresh_count == 1
        zalo.outage(kind="message")
        down = sweep(seeded, at(17))  # 7 working days late: a new overdue period
        snv = next(d for d in down.delivery.delivered if d.recipient == "SNV")
        assert snv.state is MessageState.DEFERRED and len(zalo.texts_to(user_id)) == 1
        zalo.end_outage()
        back = sweep(seeded, at(17, minute=5))
        assert [d.recipient for d in back.delivery.delivered] == ["SNV"]
        assert len(zalo.texts_to(user_id)) == 2
    with seeded.database.transaction() as session:
        urls = list(session.scalars(select(DeliveryAttemptRow.service_url)))
    assert urls and not any(zalo.secret_key in url for url in urls)
