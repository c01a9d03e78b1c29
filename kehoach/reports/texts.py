"""The words of the report, shared by the Word document, the workbook and the summaries."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from kehoach.reports.record import ReportData, StepLine
from models.figures import (
    PERIOD_LABELS,
    TALLY_LABELS,
    AgencyFigures,
    ReportPeriod,
    Tally,
    percent_text,
    total,
)
from models.plan import AgencyKind, Plan
from models.timeutil import ddmmyyyy, local_day

NATIONAL_NAME = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
NUMBER_LINE = "Số: …/BC-…"

STEP_HEADERS = ["TT", "Nội dung công việc", "Cơ quan chủ trì", "Hạn", "Tình trạng", "Hoàn thành"]
FIGURE_HEADERS = [
    "TT",
    "Cơ quan",
    "Số nhiệm vụ được giao",
    *TALLY_LABELS.values(),
    "Tỷ lệ hoàn thành đúng hạn",
]


def day_words(day: dt.date) -> str:
    """ "ngày 05 tháng 3 năm 2024": Nghị định 30/2020, Phụ lục I: a zero before days under
    10 and months 1 and 2."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def place_and_date(place: str | None, as_of: dt.datetime) -> str:
    return f"{place or '…'}, {day_words(local_day(as_of))}"


def plan_reference(plan: Plan) -> str:
    header = plan.plan
    number = header.number or f"…/{header.document_type}"
    issued = header.issued
    when = f"tháng {issued.month} năm {issued.year}" if issued.month else f"năm {issued.year}"
    if issued.day and issued.month:
        when = day_words(dt.date(issued.year, issued.month, issued.day))
    return f"Kế hoạch số {number} {when} của {header.issuer}"


def summary_line(plan: Plan) -> str:
    return f"Tiến độ thực hiện {plan_reference(plan)}"


def opening(data: ReportData) -> str:
    header = data.plan.plan
    return (
        f"Thực hiện {plan_reference(data.plan)} về {_sentence_case(header.title)}, "
        f"{data.agency_name(header.coordinator)} báo cáo tiến độ thực hiện như sau:"
    )


def _sentence_case(title: str) -> str:
    return title[:1].lower() + title[1:]


def period_line(period: ReportPeriod) -> str:
    """The data period and cut-off day (Nghị định 09/2019/NĐ-CP, Điều 12)."""
    kind = PERIOD_LABELS[period.kind]
    line = (
        f"Thời gian chốt số liệu ({kind}): từ ngày {ddmmyyyy(period.start)} "
        f"đến ngày {ddmmyyyy(period.end)}"
    )
    if period.cutoff < period.end:
        return f"{line}; số liệu tính đến ngày {ddmmyyyy(period.cutoff)}."
    return f"{line}."


def overall(figures: AgencyFigures) -> str:
    done = figures.done_on_time + figures.done_late
    return (
        f"Tổng số nhiệm vụ được giao: {figures.assigned}; đã hoàn thành {done} "
        f"(đúng hạn {figures.done_on_time}, quá hạn {figures.done_late}); đang thực hiện "
        f"trong hạn {figures.open_in_time}; chưa hoàn thành, quá hạn {figures.open_overdue}. "
        f"Tỷ lệ hoàn thành đúng hạn (số nhiệm vụ hoàn thành đúng hạn trên tổng số nhiệm vụ "
        f"đã đến hạn): {percent_text(figures.on_time_rate)}."
    )


def by_responsibility(data: ReportData) -> list[tuple[str, list[tuple[int, StepLine]]]]:
    grouped = groupby(data.steps, key=lambda s: s.responsibility)
    return [(key, list(enumerate(lines, start=1))) for key, lines in grouped]


def responsibility_heading(data: ReportData, responsibility: str) -> str:
    return f"Nhiệm vụ {responsibility}: {data.responsibility_title(responsibility)}"


def deadline_words(step: StepLine) -> str:
    if step.extended_to and step.extended_to != step.deadline:
        return f"{ddmmyyyy(step.deadline)} (gia hạn đến {ddmmyyyy(step.extended_to)})"
    return ddmmyyyy(step.deadline)


def step_row(data: ReportData, number: int, step: StepLine) -> list[str]:
    done = ddmmyyyy(step.completed_on) if step.completed_on else ""
    status = step.status[:1].upper() + step.status[1:]
    lead = data.agency_name(step.lead)
    return [str(number), step.title, lead, deadline_words(step), status, done]


def figure_row(number: str, name: str, figures: AgencyFigures) -> list[str]:
    counts = [figures.assigned, figures.done_on_time, figures.done_late]
    counts += [figures.open_in_time, figures.open_overdue]
    return [number, name, *map(str, counts), percent_text(figures.on_time_rate)]


def overdue_steps(data: ReportData) -> list[StepLine]:
    return [s for s in data.steps if s.tally is Tally.OPEN_OVERDUE]


def blocked_steps(data: ReportData) -> list[StepLine]:
    return [s for s in data.steps if s.blocked]


def shortcomings(data: ReportData) -> list[str]:
    late = overdue_steps(data)
    blocked = blocked_steps(data)
    sentences = [
        f"- {data.agency_name(s.lead)}: “{s.title}” quá hạn {s.working_days_late} ngày làm "
        f"việc (hạn {deadline_words(s)}), chưa hoàn thành."
        for s in late
    ]
    sentences += [
        f"- {data.agency_name(s.lead)}: “{s.title}” đang có khó khăn, vướng mắc chưa được "
        "giải quyết."
        for s in blocked
    ]
    done_late = sum(1 for s in data.steps if s.tally is Tally.DONE_LATE)
    if done_late:
        sentences.append(f"- Có {done_late} nhiệm vụ hoàn thành nhưng quá hạn.")
    return sentences or ["Trong kỳ báo cáo, không có nhiệm vụ quá hạn hoặc vướng mắc."]


def proposals(data: ReportData) -> list[str]:
    late_agencies = list(dict.fromkeys(s.lead for s in overdue_steps(data)))
    sentences = []
    if late_agencies:
        names = ", ".join(data.agency_name(code) for code in late_agencies)
        sentences.append(
            f"- Đề nghị {names} khẩn trương hoàn thành các nhiệm vụ quá hạn, "
            f"báo cáo kết quả về {data.agency_name(data.plan.plan.coordinator)}."
        )
    if blocked_steps(data):
        route = data.plan.difficulty_route.escalate_to or data.plan.difficulty_route.receivers
        names = ", ".join(data.agency_name(code) for code in route)
        sentences.append(f"- Kính đề nghị {names} xem xét, chỉ đạo tháo gỡ khó khăn, vướng mắc.")
    return sentences or ["- Đề nghị các cơ quan, đơn vị tiếp tục thực hiện đúng tiến độ."]


def closing(data: ReportData) -> str:
    return (
        f"Trên đây là báo cáo tiến độ thực hiện {plan_reference(data.plan)} của "
        f"{data.agency_name(data.plan.plan.coordinator)}./."
    )


def receivers(data: ReportData) -> list[str]:
    leaders = [data.agency_name(code) for code in data.plan.reminders.leadership]
    return [*(f"- {name} (để báo cáo);" for name in leaders), "- Lưu: VT."]


def signer_lines(data: ReportData) -> list[tuple[str, bool]]:
    coordinator = data.plan.agency(data.plan.plan.coordinator)
    title = "GIÁM ĐỐC" if coordinator.kind is AgencyKind.DEPARTMENT else "THỦ TRƯỞNG CƠ QUAN"
    return [(title, True), ("", False), ("", False), ("", False), ("…", True)]


def short_summary(data: ReportData) -> str:
    """A few lines for Zalo and the dashboard: the totals and who is late."""
    figures = total(data.figures())
    late = ", ".join(dict.fromkeys(data.agency_name(s.lead) for s in overdue_steps(data)))
    lines = [
        f"Báo cáo tiến độ {plan_reference(data.plan)}, số liệu đến ngày "
        f"{ddmmyyyy(data.period.cutoff)}:",
        f"hoàn thành đúng hạn {figures.done_on_time}/{figures.assigned} nhiệm vụ; "
        f"tỷ lệ hoàn thành đúng hạn {percent_text(figures.on_time_rate)}.",
    ]
    if late:
        lines.append(f"Cơ quan có nhiệm vụ quá hạn: {late}.")
    return "\n".join(lines)
