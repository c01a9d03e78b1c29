"""The words accepted for each settable status, built inside the test.

`models.statuses` builds its table at import time, which mutation testing cannot map to
a test; building it again here lets a wrong word or a wrong status show.
"""

from __future__ import annotations

from models.health import Progress
from models.statuses import _accepted_words


def test_each_settable_status_is_accepted_by_its_code_label_and_synonyms() -> None:
    assert _accepted_words() == {
        "in progress": Progress.IN_PROGRESS,
        "dang thuc hien": Progress.IN_PROGRESS,
        "dang lam": Progress.IN_PROGRESS,
        "submitted": Progress.SUBMITTED,
        "da nop": Progress.SUBMITTED,
        "da gui": Progress.SUBMITTED,
        "da trinh": Progress.SUBMITTED,
        "done": Progress.DONE,
        "da hoan thanh": Progress.DONE,
        "hoan thanh": Progress.DONE,
        "blocked": Progress.BLOCKED,
        "co vuong mac": Progress.BLOCKED,
        "vuong mac": Progress.BLOCKED,
        "kho khan": Progress.BLOCKED,
        "co kho khan": Progress.BLOCKED,
    }
