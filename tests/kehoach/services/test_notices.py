"""One notice of each kind, as a real SMTP server receives it, in an office's register.

The seed plan is played through a few sweeps (March–April 2024) that produce every kind of
notice; each chosen message is decoded from the SMTP sink and compared with its copy in
docs/notices/, so the documented examples stay true. Regenerate them with

    KEHOACH_WRITE_NOTICES=1 .venv/bin/pytest -q tests/kehoach/services/test_notices.py
"""

from __future__ import annotations

import datetime as dt
import os
import re
from email.header import decode_header, make_header
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import select

from kehoach.paths import seed_plan_path
from kehoach.services import tracking
from kehoach.services.context import AppContext
from kehoach.services.parts import record_part_done
from kehoach.services.plans import ORIGIN, load_plan
from kehoach.services.sweep import notify_deadlines_moved, sweep
from kehoach.settings import Settings
from kehoach.store.outbox_tables import MessageRow
from models.health import Progress
from tests.conftest import SEED_LOADED_AT
from tests.kehoach.conftest import at, email_everyone
from tests.smtp_sink import SmtpSink, agency_address

ROOT = Path(__file__).resolve().parents[3]
DOCS = ROOT / "docs" / "notices"
PLAN = "nt-2024-so-ket-vi-nguoi-ngheo"

# (file, recipient, local day): one message of each kind, as the seed's story sends it.
EXAMPLES = [
    ("01-sap-den-han.txt", "SLDTBXH", dt.date(2024, 3, 20)),
    ("02-khong-cap-nhat.txt", "BAO_NT", dt.date(2024, 3, 27)),
    ("03-qua-han-co-quan-chu-tri.txt", "SLDTBXH", dt.date(2024, 3, 28)),
    ("04-vuong-mac.txt", "SNV", dt.date(2024, 3, 29)),
    ("05-phoi-hop-phan-viec.txt", "STP", dt.date(2024, 4, 1)),
    ("06-vuong-mac-bao-cao-chu-tich.txt", "CT_UBND", dt.date(2024, 4, 2)),
    ("07-tiep-nhan-san-pham.txt", "SNV", dt.date(2024, 4, 3)),
    ("08-tong-hop-co-quan-dau-moi.txt", "SLDTBXH", dt.date(2024, 4, 11)),
    ("09-bao-cao-lanh-dao.txt", "PCT_UBND", dt.date(2024, 4, 16)),
    ("10-doi-han.txt", "NINH_HAI", dt.date(2024, 4, 17)),
]

# English words a notice must never contain (checked as whole ASCII-only words).
DENY = {
    "kehoach", "step", "steps", "status", "deadline", "overdue", "blocked", "lead",
    "cooperating", "coordinator", "done", "submitted", "event", "confirm", "sweep", "digest",
    "reminder", "update", "plan", "the", "and", "of", "none", "null", "true", "false", "todo",
}  # fmt: skip
SLUG = re.compile(r"\b[IVX]+\.\d+\.[a-z_]+|@[A-Z][A-Z_]+\b")


def play(context: AppContext) -> None:
    """The seed's story, condensed: a sweep at 08:00 on each day that shows a new kind."""

    def act(fn, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        with context.database.transaction() as session:
            fn(session, *args, **kwargs)

    progress = tracking.record_progress
    act(progress, "IV.2.results_report", Progress.IN_PROGRESS, at(18, 3, 9), by="SLDTBXH")
    act(progress, "IV.5.coverage@BAO_NT", Progress.IN_PROGRESS, at(20, 3, 9), by="BAO_NT")
    for day in (20, 27, 28):
        sweep(context, at(day, 3))
    note = "UBND huyện Bác Ái và Thuận Nam chưa gửi hồ sơ; cần hướng dẫn tiêu chí xét khen."
    act(progress, "IV.2.award_proposals", Progress.BLOCKED, at(28, 3, 16), by="SLDTBXH", note=note)
    sweep(context, at(29, 3))
    act(record_part_done, "IV.2.results_report", "SKHDT", at(29, 3, 10))
    sweep(context, at(1))
    sweep(context, at(2))
    act(tracking.resolve_difficulty, "IV.2.award_proposals", at(2, 4, 11), by="SNV")
    act(progress, "IV.2.results_report", Progress.SUBMITTED, at(2, 4, 15), by="SLDTBXH")
    sweep(context, at(3))
    # Ninh Sơn reports through its own link (kehoach.web): the coordinator's 11/04 digest
    # lists it in a section of its own.
    with context.database.transaction() as session:
        session.info[ORIGIN] = {"via": "link", "client": "ma-bam", "link_generation": 1}
        progress(
            session,
            "IV.1.presentations@NINH_SON",
            Progress.IN_PROGRESS,
            at(10, 4, 14),
            by="NINH_SON",
            note="Đang tổng hợp số liệu hộ nghèo năm 2023",
        )
        request = ("IV.1.presentations@NINH_SON", dt.date(2024, 4, 19), at(10, 4, 14, 30))
        tracking.extend_deadline(session, *request, by="NINH_SON", note="Chờ số liệu của các xã")
    for day in (11, 16):
        sweep(context, at(day))
    with context.database.transaction() as session:
        change = tracking.confirm_event(session, PLAN, dt.date(2024, 4, 26), at(16, 4, 10))
        notify_deadlines_moved(session, change, at(16, 4, 10))
    sweep(context, at(17))


@pytest.fixture(scope="module")
def received(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[EmailMessage, str]]:
    """Each example's message as the SMTP sink got it, with the Zalo text of the same notice."""
    home = tmp_path_factory.mktemp("home")
    sink = SmtpSink().start()
    context = AppContext(Settings(home=home, apprise_config=email_everyone(home / "k.yaml", sink)))
    AppContext.use(context)
    try:
        with context.database.transaction() as session:
            load_plan(session, context.load_plan_file(seed_plan_path()), SEED_LOADED_AT)
        play(context)
        return {name: _pick(context, sink, code, day) for name, code, day in EXAMPLES}
    finally:
        AppContext.use(None)
        sink.stop()


def _pick(context: AppContext, sink: SmtpSink, code: str, day: dt.date) -> tuple[EmailMessage, str]:
    stamp = f"{day:%d/%m/%Y}"
    [message] = [m for m in sink.to(agency_address(code)) if stamp in str(m["Subject"])]
    with context.database.transaction() as session:
        key = str(message["Message-ID"]).removeprefix("<kehoach.").split("@")[0]
        short = session.scalar(select(MessageRow.body_short).where(MessageRow.key == key))
    return message, str(short)


def decoded(message: EmailMessage, short: str) -> str:
    """The notice as the official reads it: sender, recipient, subject, text, Zalo text."""
    raw = dict(message.raw_items())
    # Python's parser adds a space between encoded-words; decode as a mail client does.
    head = [
        f"Người gửi: {make_header(decode_header(raw['From']))}",
        f"Người nhận: {make_header(decode_header(raw['To']))}",
        f"Tiêu đề: {message['Subject']}",
    ]
    text = message.get_body(("plain",)).get_content().replace("\r\n", "\n")  # type: ignore[union-attr]
    return (
        "\n".join(head)
        + "\n\n"
        + text
        + "\n--- Tin nhắn Zalo của cùng thông báo ---\n"
        + short
        + "\n"
    )


@pytest.mark.parametrize(("name", "code", "day"), EXAMPLES)
def test_each_kind_of_notice_reads_as_an_office_writes_it(
    received: dict[str, tuple[EmailMessage, str]], name: str, code: str, day: dt.date
) -> None:
    message, short = received[name]
    text = decoded(message, short)
    for part in (message.get_body(("plain",)).get_content(), short):  # type: ignore[union-attr]
        assert part.startswith("Kính gửi: ")
        assert "Trân trọng./." in part
        assert "Kế hoạch (dự thảo, chưa có số)" in part
        assert not SLUG.findall(part), SLUG.findall(part)
        words = {w.lower() for w in re.findall(r"(?<![\w@.])[A-Za-z]+(?![\w@.])", part)}
        assert not words & DENY, words & DENY
    assert "Người gửi: Sở Lao động – Thương binh và Xã hội <" in text
    assert "Đầu mối liên hệ: Đồng chí Nguyễn Thị Minh Hạnh" in text
    assert len(short) <= 2000
    target = DOCS / name
    if os.environ.get("KEHOACH_WRITE_NOTICES"):
        target.write_text(text, encoding="utf-8")
    assert target.read_text(encoding="utf-8") == text


def test_the_examples_show_what_each_role_is_asked(
    received: dict[str, tuple[EmailMessage, str]],
) -> None:
    body = {n: m.get_body(("plain",)).get_content() for n, (m, _) in received.items()}  # type: ignore[union-attr]
    assert "Nội dung vướng mắc: “UBND huyện Bác Ái" in body["04-vuong-mac.txt"]
    assert (
        "Kính gửi: Đồng chí Trần Quốc Nam, Chủ tịch Ủy ban nhân dân tỉnh (qua VP UBND tỉnh)"
        in (body["06-vuong-mac-bao-cao-chu-tich.txt"])
    )
    assert "gửi phần việc của Quý cơ quan về Sở LĐTB&XH" in body["05-phoi-hop-phan-viec.txt"]
    assert "khẩn trương" not in body["05-phoi-hop-phan-viec.txt"]
    assert "I. Các nhiệm vụ quá hạn:" in body["08-tong-hop-co-quan-dau-moi.txt"]
    assert "Các cơ quan đã tự báo cáo qua liên kết:" in body["08-tong-hop-co-quan-dau-moi.txt"]
    assert "Kính báo cáo để Đồng chí theo dõi, chỉ đạo." in body["09-bao-cao-lanh-dao.txt"]
    assert "tiếp nhận, xử lý theo Kế hoạch" in body["07-tiep-nhan-san-pham.txt"]
    assert "Hạn mới:" in body["10-doi-han.txt"]
