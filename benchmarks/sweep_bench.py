"""How fast is a reminder sweep: selecting and composing, then delivering email through Apprise?

1. Selection: a synthetic plan with 10,000 due steps (200 agencies × 50 steps, overdue,
   due, stalled and blocked) in a fresh SQLite file. Timed: the pure selection and
   digests (`models.reminders`, `models.digest`), and the service path the sweep runs
   (`kehoach.services.sweep.select_reminders` + `compose`: read the statuses, write the items and
   the messages). Target: under 2 s.
2. Delivery: 1,000 digests to 1,000 agencies, each with its own mailto:// channel, to a
   local SMTP sink (aiosmtpd in its own process), through `notifications.sender.Channels`
   exactly as a sweep sends them; beside plain `smtplib` sending the same bytes to the same
   sink in the same run, and two naive Apprise loops. A cProfile run of the Apprise path
   says where the time goes. Target: at least a quarter of smtplib's rate.

    .venv/bin/python benchmarks/sweep_bench.py [--steps 10000] [--emails 1000]
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import random
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from email import policy
from pathlib import Path
from typing import Any

import apprise
import yaml
from machine import describe as describe_machine  # benchmarks/machine.py
from smtp_sink import SENDER, mailto, started  # benchmarks/smtp_sink.py
from sqlalchemy import select, update

from kehoach.services.context import AppContext
from kehoach.services.lookup import plan_of
from kehoach.services.plans import load_plan
from kehoach.services.status import plan_statuses
from kehoach.services.sweep import compose, select_reminders, sweep
from kehoach.settings import Settings
from kehoach.store.planfile import LoadedPlan, plan_calendar
from kehoach.store.session import Database
from kehoach.store.tables import PlanRow, StepRow
from models.digest import compose_digest
from models.plan import Plan
from models.reminders import EventFacts, select_items
from notifications.email import Envelope, address, build_mime
from notifications.sender import Channels, Outgoing

AS_OF = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)  # 08:00 Monday in Vietnam
LOADED_AT = dt.datetime(2024, 3, 1, 1, 0, tzinfo=dt.UTC)
STEPS_PER_AGENCY = 50
ROOT = Path(__file__).resolve().parents[1]


# --- 1. Selection --------------------------------------------------------------------------


def due_plan(agencies: int) -> Plan:
    """Every step due at AS_OF: before_event 11…40 puts deadlines from 5 days ahead to late."""
    steps = [
        {
            "id": f"S{n}",
            "title": f"Bước số {n}: chuẩn bị nội dung phục vụ Hội nghị",
            "deliverable": f"Sản phẩm của bước {n}",
            "fan_out": ["all"],
            "deadline": {"before_event": 11 + n % 30},
        }
        for n in range(STEPS_PER_AGENCY)
    ]
    return Plan.model_validate(
        {
            "plan": {
                "id": "bench-sweep",
                "title": "Kế hoạch đo hiệu năng rà soát nhắc việc",
                "issuer": "UBND tỉnh",
                "issued": {"year": 2024},
                "coordinator": "A0",
            },
            "event": {"name": "Hội nghị", "tentative_month": None, "assumed_date": "2024-05-09"},
            "groups": [{"code": "all", "name": "Tất cả"}],
            "agencies": [
                {"code": f"A{n}", "name": f"Cơ quan số {n}", "kind": "district", "groups": ["all"]}
                for n in range(agencies)
            ],
            "difficulty_route": {"receivers": ["A0", "A1"]},
            "reminders": {"leadership": ["A2"]},
            "responsibilities": [
                {"id": "R", "title": "Nhiệm vụ", "responsible": ["all"], "steps": steps}
            ],
        }
    )


def scatter(database: Database, rng: random.Random) -> None:
    """Some steps in progress with an old update (stalled), some blocked (setup only)."""
    with database.transaction() as session:
        ids = list(session.scalars(select(StepRow.id)))
        rng.shuffle(ids)
        stalled, blocked = ids[: len(ids) // 5], ids[len(ids) // 5 : len(ids) // 5 + len(ids) // 50]
        old = AS_OF - dt.timedelta(days=12)
        session.execute(
            update(StepRow)
            .where(StepRow.id.in_(stalled))
            .values(progress="in_progress", last_update_at=old)
        )
        session.execute(
            update(StepRow)
            .where(StepRow.id.in_(blocked))
            .values(progress="blocked", last_update_at=old, blocked_since=old)
        )


def bench_selection(steps: int, scratch: Path) -> None:
    plan = due_plan(max(1, steps // STEPS_PER_AGENCY))
    database = Database(f"sqlite:///{scratch}/select.db")
    loaded = LoadedPlan(plan, Path("bench.yaml"), "0" * 64, plan_calendar(plan))
    with database.transaction() as session:
        load_plan(session, loaded, LOADED_AT)
    scatter(database, random.Random(1))
    with database.transaction() as session:
        row = session.get_one(PlanRow, "bench-sweep")
        statuses = plan_statuses(session, row, AS_OF)
        plan, calendar = plan_of(session, row)
    event = EventFacts(row.event_date, row.event_confirmed)

    items, select_s = timed(lambda: select_items(plan, statuses, event, calendar, AS_OF))
    digests, digest_s = timed(lambda: pure_digests(items))
    print(
        f"  {len(statuses):,} bước đến hạn → {len(items):,} mục nhắc việc cho "
        f"{len(digests):,} cơ quan"
    )
    print(f"  chọn nhắc việc (lõi thuần):                {select_s * 1000:8.0f} ms")
    print(f"  soạn {len(digests):,} thư tổng hợp (lõi thuần):      {digest_s * 1000:8.0f} ms")

    def service() -> int:
        with database.transaction() as session:
            plan_row = session.get_one(PlanRow, "bench-sweep")
            selected = select_reminders(session, plan_row, AS_OF)
            return len(compose(session, AS_OF, known=selected))

    messages, service_s = timed(service)
    verdict = "đạt" if service_s < 2 else "KHÔNG ĐẠT"
    print(
        f"  cả lượt qua SQLite (đọc tình trạng, ghi {len(items):,} mục và {messages:,} thư): "
        f"{service_s * 1000:6.0f} ms — mục tiêu < 2 s: {verdict}"
    )
    database.dispose()


def pure_digests(items: list) -> list:
    groups: dict[str, list] = defaultdict(list)
    for item in items:
        groups[item.recipient].append(item)
    return [compose_digest(code, g[0].recipient_name, g, AS_OF) for code, g in groups.items()]


# --- 2. Delivery ---------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(port: int) -> subprocess.Popen[bytes]:
    """aiosmtpd's Sink handler (accepts and discards) in a process of its own."""
    command = [sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}"]
    return started(subprocess.Popen([*command, "-c", "aiosmtpd.handlers.Sink"]), port, 10)


def envelopes(count: int) -> list[Envelope]:
    text = "Kính gửi: Cơ quan\n\n" + "1. [Quá hạn 3 ngày làm việc] Xây dựng báo cáo sơ kết\n" * 5
    return [
        Envelope(
            key=f"{n:032x}",
            recipient=f"A{n}",
            recipient_name=f"Cơ quan số {n}",
            subject="Nhắc việc ngày 15/04/2024: 3 việc quá hạn, 2 việc sắp đến hạn",
            text=text,
            html="<p>" + text.replace("\n", "<br>\n") + "</p>",
            sent_at=AS_OF,
        )
        for n in range(count)
    ]


def channels_for(port: int, count: int, scratch: Path) -> tuple[Channels, float]:
    document = {"version": 1, "urls": [{mailto(port, n): {"tag": f"A{n}"}} for n in range(count)]}
    config = scratch / "kenh.yaml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return timed(lambda: Channels.load(config, scratch / "hop-thu"))


def send_all(channels: Channels, batch: list[Envelope]) -> int:
    ok = 0
    for envelope in batch:
        results = channels.deliver(Outgoing(envelope, "bản ngắn"))
        ok += all(r.ok for r in results)
    return ok


def smtplib_each(port: int, batch: list[Envelope]) -> None:
    """What Apprise does per message: connect, send, quit."""
    for n, envelope in enumerate(batch):
        data = mime_bytes(envelope, n)
        with smtplib.SMTP("127.0.0.1", port) as server:
            server.sendmail(SENDER, [f"a{n}@ninhthuan.gov.vn"], data)


def smtplib_reused(port: int, batch: list[Envelope]) -> None:
    with smtplib.SMTP("127.0.0.1", port) as server:
        for n, envelope in enumerate(batch):
            server.sendmail(SENDER, [f"a{n}@ninhthuan.gov.vn"], mime_bytes(envelope, n))


def mime_bytes(envelope: Envelope, n: int) -> bytes:
    to = [address(envelope.recipient_name, f"a{n}@ninhthuan.gov.vn")]
    return build_mime(envelope, address("kehoach", SENDER), to).as_bytes(policy=policy.SMTP)


def naive_reused(port: int, count: int) -> None:
    """One Apprise object, Apprise's default per-service pause left on."""
    channel = apprise.Apprise()
    channel.add(mailto(port, 0))
    for _ in range(count):
        channel.notify(body="Nội dung", title="Nhắc việc")


def naive_fresh(port: int, count: int) -> None:
    """A new Apprise object (URL parsed again) for every message."""
    for n in range(count):
        channel = apprise.Apprise()
        channel.add(mailto(port, n))
        channel.notify(body="Nội dung", title="Nhắc việc")


def bench_delivery(count: int, scratch: Path) -> None:
    port = free_port()
    sink = start_sink(port)
    try:
        batch = envelopes(count)
        channels, load_s = channels_for(port, count, scratch)
        print(f"  nạp cấu hình {count:,} kênh mailto:// (kiểm tra từng mục): {load_s:6.2f} s")
        _, each_s = timed(lambda: smtplib_each(port, batch))
        _, reused_s = timed(lambda: smtplib_reused(port, batch))
        ok, apprise_s = timed(lambda: send_all(channels, batch))
        _, naive_reused_s = timed(lambda: naive_reused(port, 3))
        _, naive_fresh_s = timed(lambda: naive_fresh(port, 100))
        report_rates(count, ok, each_s, reused_s, apprise_s, naive_reused_s, naive_fresh_s)
        profile_shares(channels, batch)
        whole_sweep(port, count, scratch)
    finally:
        sink.terminate()
        sink.wait(timeout=10)


def whole_sweep(port: int, agencies: int, scratch: Path) -> None:
    """`kehoach sweep` end to end: select, outbox, claim, send, record, one digest each."""
    home = scratch / "sweep-home"
    context = AppContext(Settings(home=home, apprise_config=scratch / "kenh.yaml"))
    AppContext.use(context)
    plan = one_step_plan(agencies)
    loaded = LoadedPlan(plan, Path("sweep.yaml"), "1" * 64, plan_calendar(plan))
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED_AT)
    result, seconds = timed(lambda: sweep(context, AS_OF))
    sent = sum(d.state.value == "sent" for d in result.delivery.delivered)
    print(
        f"  cả lượt `kehoach sweep` ({len(result.selected):,} mục, {sent:,} thư đã gửi, "
        f"có ghi hộp thư đi từng thư): {sent / seconds:8.0f} thư/s"
    )
    AppContext.use(None)


def one_step_plan(agencies: int) -> Plan:
    """One overdue step per agency (lead only: the ladder's first rung)."""
    document = due_plan(agencies).model_dump(mode="json")
    step = document["responsibilities"][0]["steps"][0]
    step["deadline"] = {"before_event": 17}
    step["reminders"] = {"ladder": [{"from_days_late": 0, "notify": ["lead"]}]}
    document["responsibilities"][0]["steps"] = [step]
    return Plan.model_validate(document)


def report_rates(
    count: int,
    ok: int,
    each_s: float,
    reused_s: float,
    apprise_s: float,
    naive_reused_s: float,
    naive_fresh_s: float,
) -> None:
    each, apprise_rate = count / each_s, count / apprise_s
    print(f"  smtplib, một kết nối mỗi thư:              {each:8.0f} thư/s")
    print(f"  smtplib, một kết nối cho cả loạt:          {count / reused_s:8.0f} thư/s")
    print(f"  Apprise qua kehoach (Channels, {ok:,}/{count:,} nhận): {apprise_rate:8.0f} thư/s")
    paused = 3 / naive_reused_s
    print(f"  Apprise ngây thơ, một đối tượng, nghỉ giữa hai lần gửi: {paused:5.2f} thư/s")
    print(f"  Apprise ngây thơ, tạo đối tượng mới mỗi thư: {100 / naive_fresh_s:8.0f} thư/s")
    ratio = apprise_rate / each
    verdict = "đạt" if ratio >= 0.25 else "KHÔNG ĐẠT"
    print(f"  Apprise/smtplib (mỗi thư một kết nối): {ratio:.2f} — mục tiêu ≥ 0,25: {verdict}")


def profile_shares(channels: Channels, batch: list[Envelope]) -> None:
    """Each function's own time goes to the layer that called it: Apprise, kehoach, or
    the network (socket waits); standard-library time counts for whoever called it."""
    profiler = cProfile.Profile()
    profiler.enable()
    send_all(channels, batch)
    profiler.disable()
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]
    memo: dict[tuple[str, int, str], dict[str, float]] = {}
    shares: dict[str, float] = defaultdict(float)
    for function, (_, _, own, _, _) in stats.items():
        for layer, fraction in layers(function, stats, memo).items():
            shares[layer] += own * fraction
    total = sum(shares.values())
    ranked = sorted(shares.items(), key=lambda pair: -pair[1])
    print(
        "  thời gian theo tầng (cProfile): " + ", ".join(f"{n} {t / total:.0%}" for n, t in ranked)
    )


def layers(
    function: tuple[str, int, str],
    stats: dict[Any, Any],
    memo: dict[tuple[str, int, str], dict[str, float]],
    visiting: frozenset[tuple[str, int, str]] = frozenset(),
) -> dict[str, float]:
    if function in memo:
        return memo[function]
    own = layer_of(function)
    if own is not None:
        memo[function] = {own: 1.0}
        return memo[function]
    # A recursive function (the email header folder) is charged to its outside callers.
    callers = {c: e for c, e in stats[function][4].items() if c not in visiting and c != function}
    weight = sum(entry[3] for entry in callers.values())
    result: dict[str, float] = defaultdict(float)
    for caller, entry in callers.items():
        for layer, fraction in layers(caller, stats, memo, visiting | {function}).items():
            result[layer] += fraction * entry[3] / weight
    memo[function] = dict(result) if weight else {"khác": 1.0}
    return memo[function]


def layer_of(function: tuple[str, int, str]) -> str | None:
    filename, _, name = function
    if "/site-packages/apprise/" in filename:
        return "Apprise"
    if any(f"{ROOT}/{folder}/" in filename for folder in ("kehoach", "notifications", "models")):
        return "mã kehoach"
    if "_socket.socket" in name or "of '_ssl." in name:
        return "mạng (chờ máy chủ SMTP)"
    if filename.endswith("sweep_bench.py"):
        return "vòng đo"
    return None


def timed(work: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    result = work()
    return result, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--steps", type=int, default=10_000)
    parser.add_argument("--emails", type=int, default=1_000)
    args = parser.parse_args()
    print(f"Máy: {describe_machine()}; Apprise {apprise.__version__}")
    with tempfile.TemporaryDirectory() as scratch:
        print("1. Chọn nhắc việc và soạn thư:")
        bench_selection(args.steps, Path(scratch))
        print(f"2. Gửi {args.emails:,} thư tới máy chủ SMTP thử trên 127.0.0.1:")
        bench_delivery(args.emails, Path(scratch))


if __name__ == "__main__":
    main()
