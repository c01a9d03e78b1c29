"""`kehoach validate`, `load` and `event confirm` on a plan with several events (Phú Thọ)."""

from __future__ import annotations

from kehoach.paths import bundled_config_dir

PHU_THO = str(bundled_config_dir() / "plans" / "phu-tho-2021-bau-cu.yaml")


def test_validate_prints_the_deadlines_kept_on_days_off_as_warnings(kehoach) -> None:
    result = kehoach("validate", PHU_THO)
    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].endswith("hợp lệ: kế hoạch pt-2021-bau-cu, 8 bước.")
    warnings = lines[1:]
    assert len(warnings) == 5 and all(
        w.startswith("Cảnh báo: phu-tho-2021-bau-cu.yaml:") for w in warnings
    )
    assert warnings[0].endswith("hạn 07/02/2021 là Chủ nhật, giữ nguyên theo kế hoạch")


def test_event_confirm_names_the_event_and_speaks_of_the_election(kehoach) -> None:
    kehoach("load", PHU_THO)
    result = kehoach("event", "confirm", "2021-05-30")
    assert result.code == 2 and "Kế hoạch có nhiều sự kiện; chọn một trong: hn_tinh" in result.err
    # 2021 is in the past today: --force, as for the seed plan.
    result = kehoach("event", "confirm", "2021-05-30", "--su-kien", "bau_cu", "--force")
    assert result.code == 0, result.err
    assert result.out.startswith("Đã chốt ngày bầu cử của kế hoạch pt-2021-bau-cu: 30/05/2021")
    assert "(trước đó 23/05/2021)" in result.out and "hội nghị" not in result.out
