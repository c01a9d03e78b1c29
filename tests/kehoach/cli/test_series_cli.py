"""`kehoach status` on a reporting calendar: two occurrences per series, and the series line."""

from __future__ import annotations

import json

import pytest

from kehoach.cli.main import _run, app
from kehoach.paths import bundled_config_dir
from kehoach.services.context import AppContext

BRVT = bundled_config_dir() / "plans" / "ba-ria-vung-tau-2012-bao-cao-cchc.yaml"
MOMENT = "20/05/2013 09:00"


@pytest.fixture
def kehoach(context: AppContext, capsys: pytest.CaptureFixture[str], monkeypatch):
    monkeypatch.setenv("COLUMNS", "400")  # one table row per line, whatever the terminal

    def run(*args: str) -> tuple[int, str]:
        code = _run(lambda: app(list(args), standalone_mode=False))
        return code, capsys.readouterr().out

    assert run("load", str(BRVT))[0] == 0
    return run


def test_status_lists_the_latest_and_next_occurrence_and_one_line_per_series(kehoach) -> None:
    code, out = kehoach("status", "--as-of", MOMENT, "--agency", "CON_DAO")
    assert code == 0
    listed = {word for word in out.split() if word.startswith("CV2539.bao_cao_thang#")}
    # January–May were never sent: overdue, all listed (May is the latest due); June next.
    assert listed == {f"CV2539.bao_cao_thang#2013-0{m}@CON_DAO" for m in range(1, 7)}
    assert "#2013-07@CON_DAO" not in out and "#2013-12@CON_DAO" not in out
    assert (
        "Báo cáo tháng về cải cách hành chính: 0/12 kỳ đúng hạn, 5 quá hạn, 1 đang trong hạn, "
        "6 chưa đến kỳ; kỳ gần nhất: tháng 05/2013, hạn 14/05/2013; kỳ tới: tháng 06/2013, hạn "
        "14/06/2013"
    ) in out
    assert "Báo cáo định kỳ" in out


def test_every_occurrence_is_listed_on_request(kehoach) -> None:
    _, out = kehoach("status", "--as-of", MOMENT, "--agency", "CON_DAO", "--moi-ky")
    assert "CV2539.bao_cao_thang#2013-12@CON_DAO" in out


def test_status_json_carries_the_series_and_each_occurrences_period(kehoach) -> None:
    _, out = kehoach("status", "--as-of", MOMENT, "--agency", "STP", "--json")
    data = json.loads(out)
    monthly = next(s for s in data["series"] if s["series"] == "CV2539.bao_cao_thang")
    assert monthly["counts"]["overdue"] == 5 and monthly["occurrences"] == 12
    assert monthly["next"] == {
        "step": "CV2539.bao_cao_thang#2013-06@STP",
        "period": "2013-06",
        "deadline": "2013-06-14",
    }
    june = next(s for s in data["steps"] if s["step"] == "CV2539.bao_cao_thang#2013-06@STP")
    assert (june["series"], june["period_start"], june["period_end"]) == (
        "CV2539.bao_cao_thang",
        "2013-05-15",
        "2013-06-14",
    )
