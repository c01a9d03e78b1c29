"""Report figures: the four tallies, the on-time rate and the data period of a report."""

from __future__ import annotations

import datetime as dt

import pytest

from models.figures import (
    AgencyFigures,
    PeriodKind,
    Tally,
    agency_figures,
    percent_text,
    reporting_period,
    tally_of,
    total,
)
from models.health import Health


def test_the_rate_is_written_the_vietnamese_way_with_one_decimal() -> None:
    assert percent_text(2 / 3) == "66,7%"
    assert percent_text(1.0) == "100,0%"
    assert percent_text(0.0) == "0,0%"


def test_an_agency_with_nothing_due_has_no_rate_rather_than_zero() -> None:
    figures = AgencyFigures("SNV", open_in_time=3)
    assert figures.on_time_rate is None and percent_text(figures.on_time_rate) == "—"


def test_the_rate_is_on_time_over_every_step_already_due() -> None:
    figures = AgencyFigures("SNV", done_on_time=2, done_late=1, open_in_time=5, open_overdue=1)
    assert figures.assigned == 9 and figures.due == 4
    assert figures.on_time_rate == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("health", "tally"),
    [
        (Health.DONE_ON_TIME, Tally.DONE_ON_TIME),
        (Health.DONE_LATE, Tally.DONE_LATE),
        (Health.OVERDUE, Tally.OPEN_OVERDUE),
        (Health.NOT_DONE, Tally.OPEN_OVERDUE),
        (Health.DUE_SOON, Tally.OPEN_IN_TIME),
        (Health.IN_PROGRESS, Tally.OPEN_IN_TIME),
        (Health.NOT_STARTED, Tally.OPEN_IN_TIME),
    ],
)
def test_each_health_falls_in_one_tally(health: Health, tally: Tally) -> None:
    assert tally_of(health) is tally


def test_agencies_come_in_the_plans_order_and_the_total_adds_them_up() -> None:
    tallies = [("SNV", Tally.DONE_ON_TIME), ("STC", Tally.OPEN_OVERDUE), ("SNV", Tally.DONE_LATE)]
    figures = agency_figures(tallies, ["STC", "SNV"])
    assert [f.agency for f in figures] == ["STC", "SNV"]
    assert figures[1] == AgencyFigures("SNV", done_on_time=1, done_late=1)
    assert total(figures) == AgencyFigures("Tổng cộng", 1, 1, 0, 1)


@pytest.mark.parametrize(
    ("kind", "cutoff", "start", "end"),
    [
        (PeriodKind.MONTH, dt.date(2024, 5, 10), dt.date(2024, 4, 15), dt.date(2024, 5, 14)),
        (PeriodKind.MONTH, dt.date(2024, 5, 15), dt.date(2024, 5, 15), dt.date(2024, 6, 14)),
        (PeriodKind.MONTH, dt.date(2024, 1, 3), dt.date(2023, 12, 15), dt.date(2024, 1, 14)),
        (PeriodKind.QUARTER, dt.date(2024, 5, 10), dt.date(2024, 3, 15), dt.date(2024, 6, 14)),
        (PeriodKind.QUARTER, dt.date(2024, 6, 14), dt.date(2024, 3, 15), dt.date(2024, 6, 14)),
        (PeriodKind.HALF_YEAR, dt.date(2024, 7, 1), dt.date(2024, 6, 15), dt.date(2024, 12, 14)),
        (PeriodKind.YEAR, dt.date(2024, 12, 20), dt.date(2024, 12, 15), dt.date(2025, 12, 14)),
        (PeriodKind.YEAR, dt.date(2024, 3, 1), dt.date(2023, 12, 15), dt.date(2024, 12, 14)),
        (PeriodKind.WEEK, dt.date(2024, 5, 10), dt.date(2024, 5, 4), dt.date(2024, 5, 10)),
    ],
)
def test_the_data_period_follows_decree_09_2019_article_12(
    kind: PeriodKind, cutoff: dt.date, start: dt.date, end: dt.date
) -> None:
    period = reporting_period(kind, cutoff)
    assert (period.start, period.end, period.cutoff) == (start, end, cutoff)
