"""How a typed word is compared with the words we know: any case, with or without diacritics."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from models.plan import Agency


def fold(text: str) -> str:
    """'Đã Hoàn  thành' -> 'da hoan thanh': what remains once case and accents are ignored."""
    # "đ" is a letter of its own, not "d" plus a mark, so NFD leaves it: map it first.
    plain = text.replace("đ", "d").replace("Đ", "D")
    decomposed = unicodedata.normalize("NFD", plain)
    letters = "".join(_letter(c) for c in decomposed if not unicodedata.combining(c))
    return " ".join(letters.casefold().split())


def _letter(char: str) -> str:
    # Any dash (-, –, —) or underscore separates words: "in_progress", "Lao động – Thương binh".
    return " " if char == "_" or unicodedata.category(char) == "Pd" else char


def matching_agencies(agencies: Iterable[Agency], text: str) -> list[Agency]:
    """Agencies `text` names by code, full name or short name (any case, accents optional)."""
    wanted = fold(text)
    return [a for a in agencies if wanted in {fold(a.code), fold(a.name), fold(a.label)}]
