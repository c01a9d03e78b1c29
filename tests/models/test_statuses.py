import pytest

from models.health import PROGRESS_LABELS, Progress
from models.statuses import SETTABLE, StatusChoice, parse_status, settable_words
from models.wording import fold


def test_folding_ignores_case_accents_the_letter_d_and_dashes():
    assert fold("  Đã  HOÀN thành ") == "da hoan thanh"
    assert fold("Lao động – Thương binh") == fold("lao dong - thuong binh")
    assert fold("in_progress") == "in progress"


@pytest.mark.parametrize(
    ("typed", "status"),
    [
        ("đang thực hiện", Progress.IN_PROGRESS),
        ("Dang thuc hien", Progress.IN_PROGRESS),
        ("in_progress", Progress.IN_PROGRESS),
        ("đã gửi", Progress.SUBMITTED),
        ("ĐÃ NỘP", Progress.SUBMITTED),
        ("đã hoàn thành", Progress.DONE),
        ("DONE", Progress.DONE),
        ("có vướng mắc", Progress.BLOCKED),
        ("co vuong mac", Progress.BLOCKED),
    ],
)
def test_a_settable_status_is_read_from_its_vietnamese_words_or_its_code(typed, status):
    assert parse_status(typed) is status


@pytest.mark.parametrize("typed", ["chưa bắt đầu", "not_started", "xong", "", "done!"])
def test_not_started_and_unknown_words_are_not_settable(typed):
    assert parse_status(typed) is None


def test_the_form_dropdown_offers_exactly_the_settable_statuses_by_their_labels():
    assert [choice.progress for choice in StatusChoice] == list(SETTABLE)
    assert PROGRESS_LABELS[Progress.BLOCKED].capitalize() == StatusChoice.BLOCKED
    assert settable_words() == ", ".join(PROGRESS_LABELS[s] for s in SETTABLE)
