from models.plan import Agency, AgencyKind
from models.wording import matching_agencies

LABOUR = Agency(
    code="SLDTBXH",
    name="Sở Lao động – Thương binh và Xã hội",
    short_name="Sở LĐTB&XH",
    kind=AgencyKind.DEPARTMENT,
)
HOME = Agency(code="SNV", name="Sở Nội vụ", kind=AgencyKind.DEPARTMENT)
AGENCIES = [LABOUR, HOME]


def test_an_agency_is_found_by_its_code_in_any_case():
    assert matching_agencies(AGENCIES, "sldtbxh") == [LABOUR]
    assert matching_agencies(AGENCIES, " SNV ") == [HOME]


def test_an_agency_is_found_by_its_full_or_short_name_with_or_without_accents():
    assert matching_agencies(AGENCIES, "so noi vu") == [HOME]
    assert matching_agencies(AGENCIES, "sở lđtb&xh") == [LABOUR]
    assert matching_agencies(AGENCIES, "So Lao dong - Thuong binh va Xa hoi") == [LABOUR]


def test_part_of_a_name_matches_no_agency():
    assert matching_agencies(AGENCIES, "Sở") == []
    assert matching_agencies(AGENCIES, "lao động") == []
