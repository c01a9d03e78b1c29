"""The local SMTP sink the delivery benchmarks send to, and the channel URLs that reach it."""

from __future__ import annotations

import smtplib
import subprocess
import time

SENDER = "nhacviec@ninhthuan.gov.vn"


def started(sink: subprocess.Popen[bytes], port: int, seconds: float) -> subprocess.Popen[bytes]:
    """`sink` once it answers on `port`; exits with a Vietnamese message if it never does."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=1) as probe:
                probe.noop()
            return sink
        except OSError:
            time.sleep(0.05)
    sink.kill()
    raise SystemExit("Không khởi động được máy chủ SMTP thử (aiosmtpd).")


def mailto(port: int, n: int) -> str:
    return f"mailto://127.0.0.1:{port}/a{n}@ninhthuan.gov.vn?from={SENDER}&mode=insecure"
