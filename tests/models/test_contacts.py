"""Directory addresses as sending uses them: one mailbox, a Zalo user id or a phone (pure core)."""

from __future__ import annotations

from models.contacts import (
    Addresses,
    addresses_of,
    contact_problems,
    directory_addresses,
    email_problem,
    masked_email,
    masked_number,
    phone_of,
)


def test_a_mailbox_is_accepted_and_anything_else_is_named_in_vietnamese() -> None:
    assert email_problem("vanthu.snv@ninhthuan.gov.vn") is None
    for bad in ("snv@ninhthuan", "snv.ninhthuan.gov.vn", "a@b.vn, c@d.vn", "Sở Nội vụ"):
        assert email_problem(bad) == (
            f"thư điện tử không hợp lệ: '{bad}' (cần một địa chỉ dạng ten@co-quan.gov.vn)"
        )


def test_zalo_is_a_phone_for_zns_or_a_user_id_for_the_oa() -> None:
    assert phone_of("0912 345 678") == "84912345678" == phone_of("+84 912.345.678")
    assert addresses_of({"zalo": "0912345678"}) == Addresses(phones=("84912345678",))
    assert addresses_of({"zalo": "4567890123456789012"}) == Addresses(
        zalo_users=("4567890123456789012",)
    )
    assert set(contact_problems({"zalo": "Zalo huyện", "email": "x@y"})) == {"zalo", "email"}
    assert contact_problems({"name": "Văn thư"}) == {} and contact_problems(None) == {}


def test_an_agency_in_several_plans_is_reached_at_every_address_once() -> None:
    found = directory_addresses(
        [
            {"code": "SNV", "contact": {"email": "snv@tinh.gov.vn"}},
            {"code": "SNV", "contact": {"email": "snv@tinh.gov.vn", "zalo": "0912345678"}},
            {"code": "SNV", "contact": {"email": "vanthu@tinh.gov.vn"}},
            {"code": "H1", "contact": {"email": "khong-hop-le"}},
            {"code": "H2"},
        ]
    )
    assert found == {
        "SNV": Addresses(("snv@tinh.gov.vn", "vanthu@tinh.gov.vn"), (), ("84912345678",))
    }


def test_addresses_are_shown_masked() -> None:
    assert masked_email("vanthu@tinh.gov.vn") == "v*****@tinh.gov.vn"
    assert masked_email("a@tinh.gov.vn") == "a**@tinh.gov.vn"
    assert masked_number("4567890123456789012") == "…9012"
