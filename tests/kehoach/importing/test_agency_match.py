"""Agency names as plans write them, matched to the seed plan's directory."""

from __future__ import annotations

import pytest

from kehoach.errors import UserError
from kehoach.importing.agency_match import AgencyMatcher
from kehoach.importing.extract import directory_entries
from tests.kehoach.importing.documents import SEED_DIRECTORY


@pytest.fixture(scope="module")
def matcher() -> AgencyMatcher:
    return AgencyMatcher(directory_entries(SEED_DIRECTORY))


def codes(matcher: AgencyMatcher, text: str) -> list[str | None]:
    return [mention.code for mention in matcher.listed(text)]


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("Sở Lao động – Thương binh và Xã hội", "SLDTBXH"),
        ("Sở LĐTB&XH", "SLDTBXH"),
        ("Sở LĐ-TB&XH", "SLDTBXH"),
        ("SỞ LAO ĐỘNG - THƯƠNG BINH VÀ XÃ HỘI", "SLDTBXH"),
        ("So Lao dong Thuong binh va Xa hoi", "SLDTBXH"),
        ("VP UBND tỉnh", "VPUBND"),
        ("Văn phòng UBND tỉnh", "VPUBND"),
        ("UBMTTQ VN tỉnh", "UBMTTQ"),
        ("Ủy ban MTTQ Việt Nam tỉnh", "UBMTTQ"),
        ("Sở VH-TT&DL", "SVHTTDL"),
        ("Sở Văn hóa, Thể thao và Du lịch", "SVHTTDL"),
        ("Sở KH&ĐT", "SKHDT"),
        ("UBND TP. Phan Rang – Tháp Chàm", "PRTC"),
        ("Đài PT&TH tỉnh", "DAI_PTTH"),
        ("UBND các huyện, thành phố", "districts"),
        ("các sở, ban, ngành, đoàn thể tỉnh", "departments"),
    ],
)
def test_a_name_in_any_usual_spelling_is_matched(matcher, written, code):
    assert codes(matcher, written) == [code]


def test_commas_inside_a_name_do_not_split_a_list(matcher):
    text = "Sở Văn hóa, Thể thao và Du lịch, Sở Nội vụ và UBND các huyện, thành phố"
    assert codes(matcher, text) == ["SVHTTDL", "SNV", "districts"]


def test_the_full_name_is_surer_than_an_abbreviated_variant(matcher):
    full, variant = matcher.listed("Sở Nội vụ tỉnh"), matcher.listed("Văn phòng UBND")
    assert full[0].confidence == 1.0
    assert variant[0].code == "VPUBND" and variant[0].confidence < 1.0


def test_an_agency_the_directory_lacks_is_quoted_as_written_with_a_reason(matcher):
    mentions = matcher.listed("Sở Nội vụ, Công an tỉnh và Bộ Chỉ huy Quân sự tỉnh")
    assert [(m.code, m.text) for m in mentions] == [
        ("SNV", "Sở Nội vụ"),
        (None, "Công an tỉnh"),
        (None, "Bộ Chỉ huy Quân sự tỉnh"),
    ]
    assert "không có trong danh bạ" in mentions[1].reason


def test_words_that_name_no_agency_are_vague_not_guessed(matcher):
    mentions = matcher.listed("các cơ quan có liên quan")
    assert [m.code for m in mentions] == [None] and mentions[0].vague
    assert "không nêu rõ cơ quan" in mentions[0].reason


def test_a_clause_gives_its_opening_agencies_and_the_rest(matcher):
    agencies, rest = matcher.leading(
        "Báo Ninh Thuận, Đài Phát thanh và Truyền hình tỉnh tăng cường tuyên truyền"
    )
    assert [m.code for m in agencies] == ["BAO_NT", "DAI_PTTH"]
    assert rest == "tăng cường tuyên truyền"


def test_a_plan_naming_a_province_directory_matches_against_both(tmp_path):
    (tmp_path / "directories").mkdir()
    (tmp_path / "plans").mkdir()
    directory = tmp_path / "directories" / "tinh-x.yaml"
    directory.write_text(SEED_DIRECTORY.read_text(encoding="utf-8"), encoding="utf-8")
    plan = tmp_path / "plans" / "ke-hoach.yaml"
    plan.write_text(
        "plan: {directory: tinh-x}\n"
        "agencies:\n"
        "  - {code: PRTC, groups: [districts]}\n"
        "  - {code: CONG_AN, name: Công an tỉnh, kind: other}\n",
        encoding="utf-8",
    )
    matcher = AgencyMatcher(directory_entries(plan))
    assert codes(matcher, "Sở Nội vụ, Công an tỉnh và UBND TP. Phan Rang – Tháp Chàm") == [
        "SNV", "CONG_AN", "PRTC",
    ]  # fmt: skip


def test_a_plan_naming_a_directory_that_is_nowhere_is_refused(tmp_path):
    plan = tmp_path / "ke-hoach.yaml"
    plan.write_text("plan: {directory: khong-co}\nagencies: []\n", encoding="utf-8")
    with pytest.raises(UserError, match="Không tìm thấy danh bạ cơ quan “khong-co”"):
        directory_entries(plan)
