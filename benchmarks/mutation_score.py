"""How many deliberate mistakes in the pure core do its own tests catch? (mutation testing)

Runs mutmut 3 over `models/` (settings in pyproject.toml, [tool.mutmut]) against the tests
in tests/models/, then prints, per file and overall, killed / counted mutants and every
survivor with its line and the change that no test noticed. A mutant no test can ever
kill (an equivalent mutant) is listed in EQUIVALENT below with the reason; it is left out
of the count only while its mutated line still reads as written there.

Not part of CI: a fresh run takes 15-20 minutes on 2 shared cores. mutmut works in mutants/
(ignored by git); `--reuse` keeps the kills of the previous run and retries only the rest,
`--report-only` reprints the last results. The exit code is 1 below `--target` percent.

    .venv/bin/python benchmarks/mutation_score.py [--jobs 2] [--reuse] [--target 95]
"""

from __future__ import annotations

import argparse
import ast
import difflib
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from machine import describe as describe_machine  # benchmarks/machine.py

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "mutants"
MUTMUT = Path(sys.executable).with_name("mutmut")
CLASS_SEPARATOR = "ǁ"  # how mutmut names a method: xǁClassǁmethod__mutmut_N

# mutmut's exit codes: a test failed (1, 3), ran out of time (timeout codes), or passed (0).
KILLED = {1, 3, 36, 37, -24, 24, 152, 255}
NOT_RUN = {None, 2}

# Mutant name → (text of the mutated line, why no test can tell it from the original).
# The text guards against renumbering: when the function changes, the entry stops applying.
EQUIVALENT: dict[str, tuple[str, str]] = {
    # Precomputation bounds change only which days are looked up rather than walked;
    # the walk applies the same rule ("slower, never different").
    "models.calendar.xǁWorkingCalendarǁ__init____mutmut_13": (
        "self._first = date(precomputed_years.start, 2, 1).toordinal()",
        "fewer days precomputed; January is walked with the same rule",
    ),
    "models.calendar.xǁWorkingCalendarǁ__init____mutmut_14": (
        "self._first = date(precomputed_years.start, 1, 2).toordinal()",
        "fewer days precomputed; 1 January is walked with the same rule",
    ),
    "models.calendar.xǁWorkingCalendarǁ__init____mutmut_22": (
        "self._last = date(precomputed_years.stop + 1, 12, 31).toordinal()",
        "more days precomputed with the same rule",
    ),
    "models.calendar.xǁWorkingCalendarǁ__init____mutmut_23": (
        "self._last = date(precomputed_years.stop - 2, 12, 31).toordinal()",
        "fewer days precomputed; the last year is walked with the same rule",
    ),
    "models.calendar.xǁWorkingCalendarǁ__init____mutmut_32": (
        "self._ordinals = [o for o in range(self._first, self._last + 2) if self._works(o)]",
        "the extra day lies after _last, where no precomputed lookup reaches",
    ),
    "models.calendar.xǁWorkingCalendarǁadd_working_days__mutmut_4": (
        "if self._first < ordinal <= self._last:",
        "a day on the bound is walked instead of looked up: same rule, same answer",
    ),
    "models.calendar.xǁWorkingCalendarǁadd_working_days__mutmut_5": (
        "if self._first <= ordinal < self._last:",
        "a day on the bound is walked instead of looked up: same rule, same answer",
    ),
    "models.calendar.xǁWorkingCalendarǁadd_working_days__mutmut_6": (
        "if n >= 0:",
        "n == 0 has already returned the day itself",
    ),
    "models.calendar.xǁWorkingCalendarǁadd_working_days__mutmut_22": (
        "if 1 <= index < len(self._ordinals):",
        "an answer at index 0 is walked to instead: same day",
    ),
    "models.calendar.xǁWorkingCalendarǁadd_working_days__mutmut_23": (
        "if 0 < index < len(self._ordinals):",
        "an answer at index 0 is walked to instead: same day",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_3": (
        "if self._first < first <= self._last and self._first <= last <= self._last:",
        "an end on the bound takes the mixed path, which counts the same days",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_4": (
        "if self._first <= first < self._last and self._first <= last <= self._last:",
        "an end on the bound takes the mixed path, which counts the same days",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_5": (
        "if self._first <= first <= self._last and self._first < last <= self._last:",
        "an end on the bound takes the mixed path, which counts the same days",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_6": (
        "if self._first <= first <= self._last and self._first <= last < self._last:",
        "an end on the bound takes the mixed path, which counts the same days",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_28": (
        "low, high = max(first, self._first + 1), min(last, self._last)",
        "two more days are walked instead of looked up: the same count",
    ),
    "models.calendar.xǁWorkingCalendarǁworking_days_between__mutmut_34": (
        "if low > high:",
        "at low == high the inside part is empty and the two walks make the whole walk",
    ),
    "models.calendar.xǁWorkingCalendarǁ_check_consistent__mutmut_3": (
        "if not self._weekend < set(range(7)) or len(self._weekend) == 7:",
        "the one weekend this lets through, all seven days, is refused by len == 7",
    ),
    "models.calendar.xǁWorkingCalendarǁ_walk__mutmut_5": (
        "step = 1 if n >= 0 else -1",
        "_walk is never called with n == 0 (add_working_days returns the day first)",
    ),
    "models.calendar.x_vietnam_calendar__mutmut_29": (
        "return WorkingCalendar(days_off, working, precomputed_years=years)",
        "the holidays package's Vietnamese weekend is the default {5, 6}",
    ),
    "models.calendar.x_vietnam_calendar__mutmut_30": (
        "return WorkingCalendar(days_off, working, frozenset(national.weekend), )",
        "only which years are precomputed changes",
    ),
    "models.calendar.x_load_overrides__mutmut_7": (
        'raw = yaml.safe_load(file.read_text(encoding="UTF-8"))',
        "the same codec under another spelling",
    ),
    "models.deadlines.x_rule_date__mutmut_13": (
        "assert rule.after_step is not None or rule.working_days is not None",
        "Deadline's validator lets after_step and working_days only come together",
    ),
    "models.digest.x_latest_per_step__mutmut_3": (
        "slot = (item.plan_id, item.step_key, item.rule is not Rule.DEADLINE_MOVED)",
        "the flag still tells a moved deadline apart from the step's state",
    ),
    "models.plan_rules.x__dependency_cycles__mutmut_3": (
        "*([step.deadline.after_step] if (step.deadline.after_step) or True else []),",
        "adds an edge to None, which is no step: the search returns from it at once",
    ),
    "models.plan_rules.x__find_cycle__mutmut_5": (
        "if node in done and node not in edges:",
        "finished steps are searched again: slower, same answer",
    ),
    "models.plan_rules.x__find_cycle__mutmut_13": (
        "done.add(None)",
        "no step is marked finished, so steps are searched again: slower, same answer",
    ),
    "models.reminders.xǁContextǁcodes__mutmut_2": (
        "key = (id(None), name)",
        "leadership is the same in every merged policy (an override cannot set it) "
        "and a literal code expands alike under any policy",
    ),
    "models.reminders.x__stalled__mutmut_16": (
        'for code, role in recipients(context, None, step, ["lead"]).items():',
        "the lead role never reads the policy",
    ),
    "models.reminders.x_deadline_moved_items__mutmut_3": (
        "context = Context.build(plan, None, now, new_event_date)",
        "a moved-deadline notice counts no working days",
    ),
    "models.reminders.x_deadline_moved_items__mutmut_5": (
        "context = Context.build(plan, calendar, now, None)",
        "only past_its_event reads the event day, and notices of moves do not ask it",
    ),
    "models.reminders.x_deadline_moved_items__mutmut_36": (
        'context, None, step, ["lead", "cooperating"]',
        "the lead and cooperating roles never read the policy",
    ),
    "models.reminders.x_deadline_moved_items__mutmut_43": (
        'context, context.policy_for(None), step, ["lead", "cooperating"]',
        "the lead and cooperating roles never read the policy",
    ),
    "models.reminders.x_role_codes__mutmut_7": (
        "return context.codes(None, name, list(policy.leadership))",
        "leadership is the same in every merged policy (an override cannot set it)",
    ),
    "models.reminders.x_role_codes__mutmut_8": (
        "return context.codes(policy, None, list(policy.leadership))",
        "leadership is cached under None, which no literal code can be",
    ),
    "models.reminders.x_role_codes__mutmut_20": (
        "return context.codes(None, name, [name])",
        "a literal code expands alike under any policy",
    ),
    "models.reminders.x_next_send_moment__mutmut_17": (
        "return now if now > start else start",
        "at now == start both branches return the same instant",
    ),
    "models.reminders.x__at__mutmut_1": (
        "return dt.datetime.combine(day, time, tzinfo=VIETNAM).astimezone(None)",
        "the same instant in the machine's zone; every caller compares instants",
    ),
    "models.steps.x__instances__mutmut_32": (
        "position=None,",
        "expand_steps replaces every position with the plan-order index",
    ),
    "models.steps.x__instances__mutmut_53": (
        "position=1,",
        "expand_steps replaces every position with the plan-order index",
    ),
}


@dataclass(frozen=True)
class Survivor:
    name: str
    line: int
    before: str
    after: str


@dataclass
class FileScore:
    path: str
    killed: int = 0
    counted: int = 0
    not_run: int = 0
    equivalent: int = 0

    @property
    def percent(self) -> float:
        return 100.0 * self.killed / self.counted if self.counted else 100.0


def run_mutmut(jobs: int, reuse: bool) -> None:
    if reuse:
        forget_survivors()
    elif WORK.exists():
        shutil.rmtree(WORK)
    command = [str(MUTMUT), "run", "--max-children", str(jobs)]
    # mutmut redraws a progress line many times a second; keep only its last words.
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"mutmut dừng với mã {result.returncode}:\n{result.stdout[-3000:]}")


def forget_survivors() -> None:
    """Keep the kills of the last run; retry every other mutant against today's tests.

    mutmut keeps a verdict while the mutated function is unchanged, even when new tests
    were added, and keeps its record of which tests reach which function: both are reset.
    """
    (WORK / "mutmut-stats.json").unlink(missing_ok=True)
    for meta in mutated_files():
        data = json.loads(meta.read_text(encoding="utf-8"))
        codes = data["exit_code_by_key"]
        data["exit_code_by_key"] = {k: (v if v in KILLED else None) for k, v in codes.items()}
        meta.write_text(json.dumps(data), encoding="utf-8")


def mutated_files() -> list[Path]:
    return sorted(p for p in (WORK / "models").glob("*.py.meta"))


def source_of(meta: Path) -> Path:
    return ROOT / meta.relative_to(WORK).with_suffix("")


def function_lines(source: Path) -> dict[str, int]:
    """The `def` line of every function and method, by mutmut's mangled name."""
    lines: dict[str, int] = {}
    for node in ast.parse(source.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.FunctionDef):
            lines[f"x_{node.name}"] = node.lineno
        elif isinstance(node, ast.ClassDef):
            for item in node.body:
                if isinstance(item, ast.FunctionDef):
                    name = f"x{CLASS_SEPARATOR}{node.name}{CLASS_SEPARATOR}{item.name}"
                    lines[name] = item.lineno
    return lines


def first_change(original: list[str], mutant: list[str]) -> tuple[int, str, str]:
    """Offset from the `def` line of the first changed line, with its text before and after."""
    start_o = next(i for i, line in enumerate(original) if line.lstrip().startswith("def "))
    start_m = next(i for i, line in enumerate(mutant) if line.lstrip().startswith("def "))
    body_o, body_m = original[start_o + 1 :], mutant[start_m + 1 :]
    matcher = difflib.SequenceMatcher(a=body_o, b=body_m, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            before = body_o[i1].strip() if i1 < i2 else ""
            after = body_m[j1].strip() if j1 < j2 else "(dòng bị xoá)"
            return i1 + 1, before, after
    return 0, original[start_o].strip(), mutant[start_m].strip()  # only the signature changed


def survivors_and_counts(meta: Path) -> tuple[FileScore, list[Survivor]]:
    source = source_of(meta)
    results = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
    spans = json.loads(meta.with_suffix(".spans").read_text(encoding="utf-8"))["spans"]
    mutated = meta.with_suffix("").read_text(encoding="utf-8").split("\n")
    defs = function_lines(source)
    score, survivors = FileScore(str(source.relative_to(ROOT))), []
    for name, code in results.items():
        if code in NOT_RUN:
            score.not_run += 1
            continue
        if code in KILLED:
            score.killed += 1
            score.counted += 1
            continue
        survivor = describe(name, spans, mutated, defs)
        if _is_equivalent(survivor):
            score.equivalent += 1
            continue
        score.counted += 1
        survivors.append(survivor)
    return score, survivors


def describe(name: str, spans: dict, mutated: list[str], defs: dict[str, int]) -> Survivor:
    local = name.rsplit(".", 1)[-1]
    function = local.partition("__mutmut_")[0]
    o_from, o_to = spans[f"{function}__mutmut_orig"]
    m_from, m_to = spans[local]
    offset, before, after = first_change(mutated[o_from - 1 : o_to], mutated[m_from - 1 : m_to])
    return Survivor(name, defs.get(function, 0) + offset, before, after)


def _is_equivalent(survivor: Survivor) -> bool:
    entry = EQUIVALENT.get(survivor.name)
    return entry is not None and entry[0] == survivor.after


def stale_equivalents(survivors: dict[str, list[Survivor]], killed: set[str]) -> Iterator[str]:
    """Entries that no longer apply: the mutant is gone, now killed, or its line changed."""
    alive = {s.name: s for found in survivors.values() for s in found}
    for name, (text, _) in EQUIVALENT.items():
        if name in killed:
            yield f"{name}: nay đã bị phát hiện; bỏ khỏi danh sách EQUIVALENT"
        elif name in alive:
            yield f"{name}: dòng đột biến đã đổi ({alive[name].after!r} ≠ {text!r})"


def report(scores: list[FileScore], survivors: dict[str, list[Survivor]]) -> float:
    print(f"Máy: {describe_machine()}")
    print("Kiểm thử đột biến models/ (mutmut) với tests/models/: bị phát hiện / được tính")
    for score in scores:
        extra = f", {score.equivalent} tương đương" if score.equivalent else ""
        extra += f", {score.not_run} chưa chạy" if score.not_run else ""
        figures = f"{score.killed:4} / {score.counted:<4} {score.percent:6.1f} %"
        print(f"  {score.path:<24} {figures}{extra}")
    killed = sum(s.killed for s in scores)
    counted = sum(s.counted for s in scores)
    total = 100.0 * killed / counted if counted else 100.0
    print(f"  {'tổng':<24} {killed:4} / {counted:<4} {total:6.1f} %")
    equivalent = sum(s.equivalent for s in scores)
    if equivalent:
        whole = 100.0 * killed / (counted + equivalent)
        print(
            f"  (tính cả {equivalent} đột biến tương đương: {killed} / {counted + equivalent}"
            f" = {whole:.1f} %)"
        )
    for path, found in survivors.items():
        if found:
            print(f"\nĐột biến sống sót trong {path}:")
        for s in sorted(found, key=lambda s: (s.line, s.name)):
            print(f"  dòng {s.line:>4}  {s.before}\n             → {s.after}   [{s.name}]")
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2, help="số tiến trình mutmut (máy 2 lõi: ≤ 2)")
    parser.add_argument("--reuse", action="store_true", help="giữ kết quả của lần chạy trước")
    parser.add_argument("--report-only", action="store_true", help="chỉ đọc kết quả đã có")
    parser.add_argument("--target", type=float, default=95.0, help="tỉ lệ tối thiểu (%%)")
    args = parser.parse_args()
    if not args.report_only:
        run_mutmut(args.jobs, args.reuse)
    scores, survivors, killed = [], {}, set()
    for meta in mutated_files():
        score, found = survivors_and_counts(meta)
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        killed |= {name for name, code in codes.items() if code in KILLED}
        if score.counted or score.equivalent:
            scores.append(score)
            survivors[score.path] = found
    total = report(scores, survivors)
    for warning in stale_equivalents(survivors, killed):
        print(f"Cảnh báo: {warning}")
    sys.exit(0 if total >= args.target else 1)


if __name__ == "__main__":
    main()
