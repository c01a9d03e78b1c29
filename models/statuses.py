"""The statuses a person may set on a step, and the Vietnamese words accepted for each.

One list for the CLI, the coordinator's forms and the scenarios: a new status or a new way
of writing one is added here only.
"""

from __future__ import annotations

from enum import StrEnum

from models.health import PROGRESS_LABELS, Progress
from models.wording import fold

# "Not started" is where a step begins; nobody reports it.
SETTABLE = (Progress.IN_PROGRESS, Progress.SUBMITTED, Progress.DONE, Progress.BLOCKED)

# Other words officials use for the same status, beside its label and its code.
_SYNONYMS: dict[Progress, tuple[str, ...]] = {
    Progress.IN_PROGRESS: ("đang làm",),
    Progress.SUBMITTED: ("đã gửi", "đã nộp", "đã trình"),
    Progress.DONE: ("hoàn thành",),
    Progress.BLOCKED: ("vướng mắc", "khó khăn", "có khó khăn"),
}


def status_label(status: Progress) -> str:
    return PROGRESS_LABELS[status]


def _accepted_words() -> dict[str, Progress]:
    words: dict[str, Progress] = {}
    for status in SETTABLE:
        for word in (status.value, status_label(status), *_SYNONYMS[status]):
            words[fold(word)] = status
    return words


_ACCEPTED = _accepted_words()


def parse_status(text: str) -> Progress | None:
    """The settable status `text` names (code or Vietnamese, any case, accents optional)."""
    return _ACCEPTED.get(fold(text))


def settable_words() -> str:
    """'đang thực hiện, đã nộp, …' for help texts and refusals."""
    return ", ".join(status_label(status) for status in SETTABLE)


class StatusChoice(StrEnum):
    # The docstring below is the help text under the coordinator form's dropdown.
    """Trạng thái mới của bước; chọn "Có vướng mắc" để báo khó khăn."""

    IN_PROGRESS = status_label(Progress.IN_PROGRESS).capitalize()
    SUBMITTED = status_label(Progress.SUBMITTED).capitalize()
    DONE = status_label(Progress.DONE).capitalize()
    BLOCKED = status_label(Progress.BLOCKED).capitalize()

    @property
    def progress(self) -> Progress:
        return Progress[self.name]
