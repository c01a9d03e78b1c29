"""Delivery under concurrency: 10,000 outbox messages, 4 senders at once, SQLite and PostgreSQL.

Each database gets the same 10,000 pending messages (200 agencies × 50 digests, each
agency with its own mailto:// channel). Four sender processes start together, each
running `kehoach.services.sweep.deliver` exactly as the sender flow does: every message
is claimed (compare-and-set, real-clock lease), sent through Apprise to a local SMTP
server (aiosmtpd, its own process, recording each Message-ID), and recorded. Measured:
messages per second over the whole run, and duplicates (copies beyond the first of a
Message-ID), which must be 0. The floor, measured in the same run: four processes of plain
`smtplib` sending the same MIME bytes to the same server, one connection per message as
Apprise does; the figure that matters is the ratio to it.

    .venv/bin/python benchmarks/delivery_bench.py [--messages 10000] [--senders 4]
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import smtplib
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from email import policy
from pathlib import Path
from typing import Any

import yaml
from machine import describe as describe_machine  # benchmarks/machine.py
from smtp_sink import SENDER, mailto, started  # benchmarks/smtp_sink.py
from sqlalchemy import insert

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests/postgres_server.py starts a throw-away PostgreSQL

from kehoach.services.context import AppContext  # noqa: E402
from kehoach.services.sweep import deliver  # noqa: E402
from kehoach.settings import Settings  # noqa: E402
from kehoach.store.outbox_tables import MessageRow, MessageState  # noqa: E402
from kehoach.store.session import Database  # noqa: E402
from notifications.email import Envelope, address, build_mime  # noqa: E402

AS_OF = dt.datetime(2024, 4, 15, 1, 0, tzinfo=dt.UTC)  # 08:00 Monday in Vietnam
AGENCIES = 200
TEXT = "Kính gửi: Cơ quan\n\n" + "1. [Quá hạn 3 ngày làm việc] Xây dựng báo cáo sơ kết\n" * 5

SINK = """
import sys, asyncio
from aiosmtpd.controller import Controller
log = open(sys.argv[2], "a", buffering=1)
class Keep:
    async def handle_DATA(self, server, session, envelope):
        for line in envelope.content.split(b"\\r\\n"):
            if line.lower().startswith(b"message-id:"):
                log.write(line[11:].strip().decode() + "\\n")
                break
        return "250 OK"
Controller(Keep(), hostname="127.0.0.1", port=int(sys.argv[1])).start()
asyncio.get_event_loop().run_forever()
"""


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_sink(port: int, log: Path) -> subprocess.Popen[bytes]:
    sink = subprocess.Popen([sys.executable, "-c", SINK, str(port), str(log)])
    return started(sink, port, 15)


def write_channels(port: int, scratch: Path) -> Path:
    document = {
        "version": 1,
        "urls": [{mailto(port, n): {"tag": f"A{n}"}} for n in range(AGENCIES)],
    }
    config = scratch / "kenh.yaml"
    config.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return config


def message_values(count: int) -> list[dict[str, Any]]:
    html = "<p>" + TEXT.replace("\n", "<br>\n") + "</p>"
    return [
        {
            "key": f"{n:032x}",
            "recipient": f"A{n % AGENCIES}",
            "recipient_name": f"Cơ quan số {n % AGENCIES}",
            "plans": [],
            "subject": f"Nhắc việc số {n}: 3 việc quá hạn, 2 việc sắp đến hạn",
            "body_text": TEXT,
            "body_html": html,
            "body_short": "Nhắc việc: 3 việc quá hạn.",
            "state": MessageState.PENDING.value,
            "attempts": 0,
            "next_attempt_at": AS_OF,
            "created_at": AS_OF,
        }
        for n in range(count)
    ]


def fill(url: str, count: int) -> None:
    database = Database(url)
    with database.transaction() as session:
        session.execute(insert(MessageRow), message_values(count))
    database.dispose()


def sender(home: str, url: str, config: str, ready: Any) -> None:
    """One sender process: its own settings, engine and Apprise services."""
    settings = Settings(home=Path(home), database_url=url, apprise_config=Path(config))  # type: ignore[arg-type]
    context = AppContext(settings)
    context.database  # noqa: B018  (connect and check the schema before the clock starts)
    ready.wait()
    deliver(context, AS_OF)
    context.close()


def timed_processes(target: Callable[..., None], argsets: list[tuple[Any, ...]]) -> float:
    """Start the processes, let each get ready (imports, connections), then time them."""
    spawn = multiprocessing.get_context("spawn")
    ready = spawn.Barrier(len(argsets) + 1)
    workers = [spawn.Process(target=target, args=(*args, ready)) for args in argsets]
    for worker in workers:
        worker.start()
    ready.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return time.perf_counter() - began


def run_senders(senders: int, home: Path, url: str, config: Path) -> float:
    return timed_processes(sender, [(str(home), url, str(config))] * senders)


def floor_worker(port: int, first: int, count: int, step: int, ready: Any) -> None:
    sender_address = address("kehoach", SENDER)
    ready.wait()
    for n in range(first, count, step):
        envelope = Envelope(f"{n:032x}", f"A{n}", "Cơ quan", "Nhắc việc", TEXT, TEXT, AS_OF)
        to = [address("Cơ quan", f"a{n % AGENCIES}@ninhthuan.gov.vn")]
        data = build_mime(envelope, sender_address, to).as_bytes(policy=policy.SMTP)
        with smtplib.SMTP("127.0.0.1", port) as server:
            server.sendmail(SENDER, [f"a{n % AGENCIES}@ninhthuan.gov.vn"], data)


def smtplib_floor(port: int, count: int, senders: int) -> float:
    return timed_processes(floor_worker, [(port, i, count, senders) for i in range(senders)])


def copies(log: Path) -> Counter[str]:
    return Counter(line.strip() for line in log.read_text().splitlines() if line.strip())


def bench_database(
    name: str, url: str, count: int, senders: int, port: int, scratch: Path, log: Path
) -> float:
    fill(url, count)
    log.write_text("")
    seconds = run_senders(senders, scratch / name, url, write_channels(port, scratch))
    time.sleep(0.5)  # the sink's last lines
    seen = copies(log)
    duplicates = sum(seen.values()) - len(seen)
    rate = len(seen) / seconds
    print(
        f"  {name:10s}: {len(seen):,} thư trong {seconds:6.1f} s = {rate:7.0f} thư/s; "
        f"trùng: {duplicates}; sót: {count - len(seen)}"
    )
    return rate


def with_postgres(work: Callable[[str], float]) -> float | None:
    from tests.postgres_server import find_postgres

    server = find_postgres()
    if server is None:
        print("  postgresql: bỏ qua (không có PostgreSQL trên máy)")
        return None
    with server:
        return work(server.fresh_database())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--senders", type=int, default=4)
    args = parser.parse_args()
    print(f"Máy: {describe_machine()}")
    print(f"Gửi {args.messages:,} thư với {args.senders} tiến trình gửi cùng lúc:")
    with tempfile.TemporaryDirectory(prefix="kehoach-delivery-") as tmp:
        scratch = Path(tmp)
        port, log = free_port(), scratch / "message-ids.log"
        sink = start_sink(port, log)
        try:
            floor_s = smtplib_floor(port, args.messages, args.senders)
            floor = args.messages / floor_s
            print(
                f"  sàn smtplib (mỗi thư một kết nối, {args.senders} tiến trình): {floor:.0f} thư/s"
            )

            def on(name: str, url: str) -> float:
                return bench_database(name, url, args.messages, args.senders, port, scratch, log)

            rates = {"sqlite": on("sqlite", f"sqlite:///{scratch / 'sqlite.store'}")}
            pg = with_postgres(lambda url: on("postgresql", url))
            if pg is not None:
                rates["postgresql"] = pg
        finally:
            sink.terminate()
            sink.wait(timeout=10)
    for name, rate in rates.items():
        print(f"  {name}: {rate / floor:.0%} tốc độ của sàn smtplib")


if __name__ == "__main__":
    main()
