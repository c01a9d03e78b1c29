"""Section IV prose in the usual forms: heading agencies, "giao … chủ trì", deadlines, receivers."""

from __future__ import annotations

import datetime as dt

import pytest

from kehoach.importing.agency_match import AgencyMatcher
from kehoach.importing.document import PlanText, text_blocks
from kehoach.importing.draft import Assignment
from kehoach.importing.extract import directory_entries, extract
from kehoach.importing.layout import DeadlineForm as Form
from tests.kehoach.importing.documents import SEED_DIRECTORY

# Written the way Section IV of a provincial plan is usually written (not from the seed).
PLAN = "\n".join(
    [
        "ỦY BAN NHÂN DÂN TỈNH NINH THUẬN",
        "Số: 125/KH-UBND",
        "Ninh Thuận, ngày 12 tháng 3 năm 2024",
        "KẾ HOẠCH",
        "Triển khai công tác cải cách hành chính năm 2024",
        "Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ;",
        "Ủy ban nhân dân tỉnh ban hành Kế hoạch triển khai công tác cải cách hành chính "
        "năm 2024 như sau:",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Bảo đảm hoàn thành các nhiệm vụ đúng tiến độ.",
        "IV. TỔ CHỨC THỰC HIỆN",
        "1. Sở Nội vụ:",
        "- Chủ trì, phối hợp với Sở Tài chính, Sở KH&ĐT tham mưu phân bổ chỉ tiêu, hoàn "
        "thành trước ngày 30/6/2024.",
        "- Hằng tháng, tổng hợp tình hình báo cáo UBND tỉnh (qua Văn phòng UBND tỉnh) "
        "trước ngày 20.",
        "2. Giao Sở Tài chính chủ trì, phối hợp với các đơn vị liên quan bố trí kinh phí "
        "thực hiện, chậm nhất ngày 15/5/2024.",
        "3. Ủy ban nhân dân các huyện, thành phố: triển khai thường xuyên tại địa "
        "phương; định kỳ 6 tháng báo cáo kết quả về Sở Nội vụ trước ngày 15/6.",
        "4. Sở Thông tin và Truyền thông phối hợp với Báo Ninh Thuận tuyên truyền trong "
        "tháng 4/2024.",
        "V. CHẾ ĐỘ BÁO CÁO",
        "Trên đây là Kế hoạch triển khai công tác cải cách hành chính năm 2024.",
    ]
)


@pytest.fixture(scope="module")
def assignments() -> list[Assignment]:
    matcher = AgencyMatcher(directory_entries(SEED_DIRECTORY))
    return extract(PlanText("ke-hoach.txt", tuple(text_blocks(PLAN))), matcher).assignments


def test_each_duty_of_section_iv_is_one_assignment_and_section_v_is_not_read(assignments):
    assert [a.number for a in assignments] == ["1.1", "1.2", "2", "3.1", "3.2", "4"]


def test_the_heading_agency_leads_and_phoi_hop_voi_names_the_cooperators(assignments):
    first = assignments[0]
    assert first.lead_codes == ["SNV"]
    assert first.cooperating_codes == ["STC", "SKHDT"]
    assert first.content.startswith("Tham mưu phân bổ chỉ tiêu")
    assert first.deadline is not None and first.deadline.form is Form.BEFORE_DATE
    assert first.deadline.date == dt.date(2024, 6, 30)


def test_a_monthly_report_names_its_receiver_and_the_office_it_goes_through(assignments):
    monthly = assignments[1]
    assert monthly.deadline is not None
    assert (monthly.deadline.form, monthly.deadline.value) == (Form.MONTHLY, "trước ngày 20")
    assert [m.text for m in monthly.receivers] == ["UBND tỉnh"]
    assert [m.code for m in monthly.via] == ["VPUBND"]


def test_giao_x_chu_tri_gives_the_lead_to_x(assignments):
    budget = assignments[2]
    assert budget.lead_codes == ["STC"]
    assert [m.vague for m in budget.cooperating] == [True]
    assert budget.deadline is not None and budget.deadline.form is Form.BY_DATE


def test_an_ongoing_duty_and_a_half_yearly_report_of_the_districts(assignments):
    ongoing, half_year = assignments[3], assignments[4]
    assert ongoing.lead_codes == half_year.lead_codes == ["districts"]
    assert ongoing.deadline is not None and ongoing.deadline.form is Form.ONGOING
    assert half_year.deadline is not None
    assert (half_year.deadline.form, half_year.deadline.value) == (
        Form.HALF_YEARLY,
        "trước ngày 15/06",
    )
    assert [m.code for m in half_year.receivers] == ["SNV"]


def test_a_paragraph_opening_with_its_agency_needs_no_colon(assignments):
    press = assignments[5]
    assert press.lead_codes == ["STTTT"]
    assert press.cooperating_codes == ["BAO_NT"]
    assert press.deadline is not None and press.deadline.form is Form.WITHIN_MONTH


def test_the_identity_is_read_from_the_heading_lines():
    identity = extract(
        PlanText("ke-hoach.txt", tuple(text_blocks(PLAN))), AgencyMatcher([])
    ).identity
    assert identity.number == "125/KH-UBND"
    assert identity.issued == "12/03/2024"
    assert identity.title == "Triển khai công tác cải cách hành chính năm 2024"
    assert identity.issuer == "Ủy ban nhân dân tỉnh Ninh Thuận"
    assert identity.legal_bases == ["Căn cứ Nghị quyết số 76/NQ-CP ngày 15/7/2021 của Chính phủ"]


def test_lettered_duties_belong_to_the_agency_above_and_a_sentence_with_vi_does_not_end_iv():
    text = "\n".join(
        [
            "IV. TỔ CHỨC THỰC HIỆN",
            "1. Sở Nội vụ:",
            "a) Xây dựng quy chế phối hợp, trước ngày 15/4/2024;",
            "Vì vậy, các đơn vị cần chủ động.",
            "b) Sở Tài chính: bố trí kinh phí, chậm nhất ngày 30/4/2024.",
            "2.1. Văn phòng UBND tỉnh: theo dõi, đôn đốc thường xuyên.",
            "Phần V. HIỆU LỰC",
            "1. Sở Y tế: không phải nhiệm vụ của mục IV.",
        ]
    )
    matcher = AgencyMatcher(directory_entries(SEED_DIRECTORY))
    found = extract(PlanText("kh.txt", tuple(text_blocks(text))), matcher).assignments
    assert [(a.number, a.lead_codes) for a in found] == [
        ("1.1", ["SNV"]),
        ("1.2", ["STC"]),
        ("2.1", ["VPUBND"]),
    ]
