import datetime as dt
from dataclasses import dataclass

from kehoach.present import answers
from models.health import Progress


@dataclass(frozen=True)
class Named:
    responsibility_id: str
    title: str
    key: str = "IV.2.programme"


PROGRAMME = Named("IV.2", "Xây dựng chương trình hội nghị")
SPEECH = Named("IV.2", "Dự thảo bài phát biểu chỉ đạo")


def test_a_recorded_progress_names_the_task_by_the_plans_numbering_not_its_code():
    at = dt.datetime(2024, 4, 2, 2, 30, tzinfo=dt.UTC)
    text = answers.progress_recorded(PROGRAMME, Progress.DONE, at)
    assert text == (
        "Đã ghi nhận: nhiệm vụ IV.2 – Xây dựng chương trình hội nghị — đã hoàn thành "
        "(lúc 02/04/2024 09:30)."
    )
    assert answers.progress_recorded(PROGRAMME, Progress.BLOCKED).endswith("có vướng mắc.")


def test_an_extension_names_the_new_and_the_original_deadline_day_first():
    text = answers.deadline_extended(SPEECH, dt.date(2024, 4, 10), dt.date(2024, 4, 3))
    assert text == (
        "Đã gia hạn nhiệm vụ IV.2 – Dự thảo bài phát biểu chỉ đạo đến 10/04/2024 "
        "(hạn gốc 03/04/2024)."
    )


def test_a_resolution_and_an_event_date_have_their_one_sentence():
    assert answers.difficulty_resolved(SPEECH) == (
        "Đã ghi nhận: vướng mắc của nhiệm vụ IV.2 – Dự thảo bài phát biểu chỉ đạo "
        "đã được giải quyết."
    )
    text = answers.event_confirmed("p", dt.date(2024, 4, 26), dt.date(2024, 4, 25), 12, 3)
    assert text == (
        "Đã chốt ngày hội nghị của kế hoạch p: 26/04/2024 (trước đó 25/04/2024); "
        "12 bước được dời hạn; 3 nhắc việc báo hạn mới chờ gửi."
    )


def test_an_occurrence_of_a_report_cycle_is_named_with_its_period():
    monthly = Named("CV2539", "Báo cáo tháng", "CV2539.thang#2013-03@STP")
    assert answers.progress_recorded(monthly, Progress.SUBMITTED) == (
        "Đã ghi nhận: nhiệm vụ CV2539 – Báo cáo tháng, kỳ tháng 03/2013 — đã nộp."
    )
