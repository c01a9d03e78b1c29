"""An agency's addresses in the province directory (or its plan's override), as sending uses them.

`contact.email` is a mailbox; `contact.zalo` is a phone number (reached by a ZNS template)
or the agency's Zalo user id for the province's Official Account (an OA message). They are
addresses, never secrets: the accounts that send to them are declared once in the channels
file (notifications.directory_routes). Plain functions over plain data.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

_EMAIL = re.compile(r"[A-Za-z0-9._%+'-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
_NOISE = re.compile(r"[\s.()+-]")
_USER_ID = re.compile(r"\d{6,25}")


@dataclass(frozen=True)
class Addresses:
    """Where an agency can be reached, each list without repeats, in the plans' order."""

    emails: tuple[str, ...] = ()
    zalo_users: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.emails or self.zalo_users or self.phones)

    def joined(self, other: Addresses) -> Addresses:
        return Addresses(
            _union(self.emails, other.emails),
            _union(self.zalo_users, other.zalo_users),
            _union(self.phones, other.phones),
        )


def _union(first: tuple[str, ...], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys([*first, *second]))


def email_problem(text: str) -> str | None:
    """Why `text` is not one mailbox address, in Vietnamese; None when it is one."""
    if _EMAIL.fullmatch(text.strip()):
        return None
    return f"thư điện tử không hợp lệ: '{text}' (cần một địa chỉ dạng ten@co-quan.gov.vn)"


def phone_of(text: str) -> str | None:
    """0912345678 / +84 912 345 678 → 84912345678; None when not a Vietnamese phone number."""
    digits = _NOISE.sub("", text)
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    elif len(digits) == 9:  # a leading 0 eaten by a spreadsheet
        digits = "84" + digits
    return digits if re.fullmatch(r"84\d{9,10}", digits) else None


def zalo_problem(text: str) -> str | None:
    if phone_of(text) or _USER_ID.fullmatch(text.strip()):
        return None
    return (
        f"Zalo không hợp lệ: '{text}' (cần số điện thoại, ví dụ 0912345678, hoặc user_id Zalo "
        "của cơ quan với Official Account, chỉ gồm chữ số)"
    )


def contact_problems(contact: Mapping[str, Any] | None) -> dict[str, str]:
    """Each malformed address of a contact, by field name."""
    contact = contact or {}
    checks = {"email": email_problem, "zalo": zalo_problem}
    found = {}
    for name, check in checks.items():
        value = contact.get(name)
        problem = check(str(value)) if value else None
        if problem:
            found[name] = problem
    return found


def addresses_of(contact: Mapping[str, Any] | None) -> Addresses:
    """The usable addresses of one contact (a malformed one is left out: validation names it)."""
    contact = contact or {}
    email = str(contact.get("email") or "").strip()
    zalo = str(contact.get("zalo") or "").strip()
    phone = phone_of(zalo) if zalo else None
    user = zalo if zalo and phone is None and _USER_ID.fullmatch(zalo) else None
    return Addresses(
        (email,) if email and email_problem(email) is None else (),
        (user,) if user else (),
        (phone,) if phone else (),
    )


def directory_addresses(agencies: Iterable[Mapping[str, Any]]) -> dict[str, Addresses]:
    """Each agency code's addresses over the given agency entries (several plans' agencies:
    an agency a plan overrides with another mailbox is reached at both)."""
    found: dict[str, Addresses] = {}
    for agency in agencies:
        code = agency.get("code")
        addresses = addresses_of(agency.get("contact"))
        if isinstance(code, str) and addresses:
            found[code] = found.get(code, Addresses()).joined(addresses)
    return found


def masked_email(address: str) -> str:
    """ "s**@ninhthuan.gov.vn": enough to recognise a mailbox, not to harvest it."""
    user, _, domain = address.partition("@")
    return f"{user[:1]}{'*' * max(2, len(user) - 1)}@{domain}"


def masked_number(number: str) -> str:
    return f"…{number[-4:]}"
