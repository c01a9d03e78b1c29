"""What do the Prefect flows cost, and what does kehoach add on top of Prefect's own cost?

1. Prefect's cost per flow run: a trivial flow, with the default heartbeat thread and
   with it off (`flows.prefect_env.fast_runs`, what the demo and the replay use).
2. One plan sweep of the seed plan through Prefect (a plan run, 5 responsibility runs,
   one task run to send, the artifacts: a table per responsibility, the summary, the
   details, the progress, the agencies' tables that changed), against a bare flow of the
   same shape: the same flow runs, task runs and number of artifacts (published the same
   way, with trivial content), doing nothing else. The ratio is kehoach's own overhead;
   target ≤ 1.5. Each repetition sweeps the next working day (08/04/2024 onwards), so
   each sends new reminders, as a real day does. The same days through the reminder
   service alone (no Prefect) are timed too. `--profile` prints where one sweep's time
   goes (cProfile, cumulative).
3. The whole `kehoach demo` (fresh home, Prefect's server start included, every day
   through Prefect); target ≤ 60 s.

Everything runs against a Prefect server of its own on 127.0.0.1 with a fresh SQLite
database (the default settings of `kehoach serve`, event feed included).

    .venv/bin/python benchmarks/flow_bench.py [--days 8] [--skip-demo] [--demo-key-days] [--profile]
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from flows import prefect_env  # noqa: E402

WORK = Path(tempfile.mkdtemp(prefix="kehoach-flow-bench-"))
prefect_env.configure(WORK / "prefect", quiet=True)

import httpx  # noqa: E402
from machine import describe as describe_machine  # noqa: E402  (benchmarks/machine.py)
from prefect import flow, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.settings import PREFECT_API_URL, temporary_settings  # noqa: E402

from flows import sending  # noqa: E402
from flows.artifacts import publish_markdown  # noqa: E402
from flows.plan import plan_flow, runs_per_sweep  # noqa: E402
from flows.server import LocalServer, count_task_runs, wait_for_task_runs  # noqa: E402
from kehoach.paths import seed_plan_path  # noqa: E402
from kehoach.services.context import AppContext  # noqa: E402
from kehoach.services.plans import load_plan  # noqa: E402
from kehoach.settings import Settings  # noqa: E402
from kehoach.store.planfile import LoadedPlan  # noqa: E402
from models.timeutil import vietnam_moment  # noqa: E402

PLAN_ID = "nt-2024-so-ket-vi-nguoi-ngheo"
LOADED_AT = dt.datetime(2024, 3, 15, 0, 0, tzinfo=dt.UTC)


def timed(call: Callable[[], Any]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


# --- 1. Prefect's own cost per flow run --------------------------------------------------


@flow(name="Flow rỗng")
def empty_flow() -> None:
    return None


def per_run_cost(runs: int = 8) -> tuple[float, float]:
    empty_flow()  # the first run registers the flow
    default = statistics.median(timed(empty_flow) for _ in range(runs))
    with prefect_env.fast_runs():
        fast = statistics.median(timed(empty_flow) for _ in range(runs))
    return default, fast


# --- 2. A plan sweep against a bare flow of the same shape --------------------------------


@task(name="Gửi rỗng", cache_policy=NO_CACHE, persist_result=False)
def nothing(index: int) -> int:
    return index


def trivial_artifacts(count: int, prefix: str) -> None:
    for index in range(count):
        publish_markdown("x", key=f"rong-{prefix}-{index}", description="x")


@flow(name="Nhiệm vụ rỗng", persist_result=False)
def bare_responsibility(index: int) -> None:
    trivial_artifacts(1, f"nv-{index}")  # its table


@flow(name="Quét rỗng", persist_result=False)
def bare_sweep(responsibilities: int, artifacts: int) -> None:
    """The plan sweep's shape: its subflows, its one task run, as many artifacts."""
    for index in range(responsibilities):
        bare_responsibility(index, return_state=True)
    nothing(-1, return_state=True)  # stands for the plan flow's "send reminders" task
    trivial_artifacts(artifacts - responsibilities, "ke-hoach")


def seeded_context(home: Path) -> tuple[AppContext, LoadedPlan]:
    context = AppContext(Settings(home=home, database_url=None, apprise_config=None))
    loaded = context.load_plan_file(seed_plan_path())
    with context.database.transaction() as session:
        load_plan(session, loaded, LOADED_AT)
    return context, loaded


def working_days(loaded: LoadedPlan, count: int) -> list[dt.datetime]:
    day, found = dt.date(2024, 4, 8), []
    while len(found) < count:
        if loaded.calendar.is_working_day(day):
            found.append(vietnam_moment(day, dt.time(8, 0)))
        day += dt.timedelta(days=1)
    return found


class Stalls(logging.Handler):
    """Counts the client's 2 s back-offs after the server answered 503 ("database is
    locked": SQLite let one writer in, and this request lost)."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += "retryable status code 503" in record.getMessage()


STALLS = Stalls()


def count_artifacts(api_url: str) -> int:
    response = httpx.post(f"{api_url}/artifacts/count", json={}, timeout=10)
    response.raise_for_status()
    return int(response.json())


def settle(api_url: str, expected: int) -> None:
    """Let the server record the last run's task runs (they arrive as events) before the
    next measurement, so that one run's deferred work is not billed to the next."""
    prefect_env.drain()
    wait_for_task_runs(api_url, expected, timeout=60)
    time.sleep(1)


def measured(call: Callable[[], Any], api_url: str, new_task_runs: int) -> tuple[float, int]:
    settle(api_url, count_task_runs(api_url))
    before, stalls = count_task_runs(api_url), STALLS.count
    seconds = timed(call)
    settle(api_url, before + new_task_runs)
    return seconds, STALLS.count - stalls


def sweep_comparison(days: int, api_url: str) -> dict[str, Any]:
    context, loaded = seeded_context(WORK / "kehoach")
    AppContext.use(context)
    moments = working_days(loaded, days)
    flow_runs, new_task_runs = runs_per_sweep(loaded.plan)
    responsibilities = flow_runs - 1
    plan_flow(plan_id=PLAN_ID, as_of=moments[0] - dt.timedelta(days=1), return_state=True)
    bare_sweep(responsibilities, responsibilities + 1)  # both registered and warmed up
    kehoach_runs, bare_runs, sent, artifacts = [], [], 0, []
    for moment in moments:
        state: Any = None

        def sweep(at: dt.datetime = moment) -> None:
            nonlocal state
            state = plan_flow(plan_id=PLAN_ID, as_of=at, return_state=True)

        before = count_artifacts(api_url)
        kehoach_runs.append(measured(sweep, api_url, new_task_runs))
        artifacts.append(count_artifacts(api_url) - before)
        sent += len(state.result().delivery.sent)
        bare = lambda n=artifacts[-1]: bare_sweep(responsibilities, n)  # noqa: E731
        bare_runs.append(measured(bare, api_url, new_task_runs))
    direct = direct_service_times(moments)
    return {
        "runs": (flow_runs, new_task_runs),
        "artifacts": artifacts,
        "kehoach": kehoach_runs,
        "bare": bare_runs,
        "direct": direct,
        "sent": sent,
    }


def profile_sweep(api_url: str) -> None:
    """Where one sweep's time goes, on a database of its own."""
    import cProfile
    import pstats

    context, loaded = seeded_context(WORK / "profile")
    AppContext.use(context)
    moment = working_days(loaded, 3)[-1]
    plan_flow(plan_id=PLAN_ID, as_of=moment - dt.timedelta(days=1), return_state=True)
    profiler = cProfile.Profile()
    profiler.runcall(plan_flow, plan_id=PLAN_ID, as_of=moment, return_state=True)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(35)


def direct_service_times(moments: list[dt.datetime]) -> list[float]:
    """The same days through the reminder service alone, on a database of their own."""
    context, _ = seeded_context(WORK / "direct")
    AppContext.use(context)
    context_now = AppContext.current()
    return [timed(lambda at=m: sending.sweep_plan(context_now, PLAN_ID, at)) for m in moments]


# --- 3. The whole demo --------------------------------------------------------------------


def demo_time(mode: str) -> tuple[float, int, str]:
    home = Path(tempfile.mkdtemp(prefix="kehoach-demo-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PREFECT_")}
    env["KEHOACH_HOME"] = str(home)
    command = [str(ROOT / ".venv" / "bin" / "kehoach"), "demo", "--prefect", mode]
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(home, ignore_errors=True)
    return elapsed, done.returncode, done.stderr.strip()


# --- Report -------------------------------------------------------------------------------


def report_sweeps(result: dict[str, Any]) -> None:
    kehoach, bare = result["kehoach"], result["bare"]
    runs, tasks = result["runs"]
    artifacts = result["artifacts"]
    direct = statistics.median(result["direct"])
    print(
        f"2. Một lượt quét kế hoạch mẫu ({runs} flow run, {tasks} task run, "
        f"{min(artifacts)}–{max(artifacts)} artifact), trung vị:"
    )
    print(f"   qua kehoach (đọc, nhắc việc, bảng, gửi thư):  {_median(kehoach):6.2f} s")
    print(f"   flow rỗng cùng hình dạng (không làm gì):      {_median(bare):6.2f} s")
    print(f"   dịch vụ nhắc việc trực tiếp, không Prefect:   {direct:6.2f} s")
    print(f"   ({result['sent']} thư đã gửi vào hộp thư đi trong {len(kehoach)} lượt quét)")
    _ratio("tỉ lệ kehoach / flow rỗng", _median(kehoach), _median(bare))
    clean_k, clean_b = _clean(kehoach), _clean(bare)
    if clean_k and clean_b:
        _ratio(
            "   không tính lượt bị kẹt SQLite",
            statistics.median(clean_k),
            statistics.median(clean_b),
        )
    print(f"   từng lượt (s, * = một lần chờ 2 s vì SQLite bận): kehoach {_list(kehoach)}")
    print(f"                                                    rỗng    {_list(bare)}")
    print(f"   artifact mỗi lượt: {', '.join(map(str, artifacts))}")


def _median(runs: list[tuple[float, int]]) -> float:
    return statistics.median(seconds for seconds, _ in runs)


def _clean(runs: list[tuple[float, int]]) -> list[float]:
    return [seconds for seconds, stalls in runs if not stalls]


def _ratio(label: str, numerator: float, denominator: float) -> None:
    ratio = numerator / denominator
    verdict = "đạt" if ratio <= 1.5 else "KHÔNG đạt"
    print(f"   {label}: {ratio:.2f} — mục tiêu ≤ 1,5: {verdict}")


def _list(runs: list[tuple[float, int]]) -> str:
    return ", ".join(f"{seconds:.2f}{'*' * stalls}" for seconds, stalls in runs)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--days", type=int, default=8, help="số lượt quét để so sánh")
    parser.add_argument("--skip-demo", action="store_true")
    parser.add_argument("--demo-key-days", action="store_true", help="đo thêm --prefect ngay-chinh")
    parser.add_argument("--profile", action="store_true", help="in hồ sơ một lượt quét")
    args = parser.parse_args()
    logging.getLogger("prefect.client").setLevel(logging.DEBUG)
    logging.getLogger("prefect.client").addHandler(STALLS)
    print(f"Máy: {describe_machine()}")
    server = LocalServer(WORK / "prefect")
    with server, temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        default, fast = per_run_cost()
        print("1. Chi phí riêng của Prefect cho một flow run rỗng (trung vị):")
        print(f"   mặc định (luồng heartbeat):            {default:6.3f} s")
        print(f"   tắt heartbeat (flows.prefect_env):     {fast:6.3f} s")
        with prefect_env.fast_runs():
            report_sweeps(sweep_comparison(args.days, server.api_url))
            if args.profile:
                profile_sweep(server.api_url)
        prefect_env.drain()
    if not args.skip_demo:
        modes = ["moi-ngay", *(["ngay-chinh"] if args.demo_key_days else [])]
        for mode in modes:
            elapsed, code, errors = demo_time(mode)
            verdict = "đạt" if elapsed <= 60 and code == 0 else "KHÔNG đạt"
            print(
                f"3. `kehoach demo --prefect {mode}`: {elapsed:5.1f} s — mục tiêu ≤ 60 s: {verdict}"
            )
            if code or errors:
                print(f"   mã thoát {code}; stderr: {errors[:500] or '(trống)'}")
    shutil.rmtree(WORK, ignore_errors=True)


if __name__ == "__main__":
    main()
