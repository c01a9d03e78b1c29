"""Signed links for agencies: what a link says, signed with a key scoped to its purpose.

A link is a bearer credential: whoever holds an agency's link acts as that agency, so it
is signed (HMAC-SHA256), expires, and names the agency's link generation: raising the
generation in the database revokes every older link of that agency at once. Each purpose
(the agency's page, its calendar feed, a form on a page) signs with its own key derived
from one secret, so a calendar link cannot be replayed as a page link, nor a form token
as either. Plain functions over bytes and `now`; the secret is handed in, never read here.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
from dataclasses import dataclass
from enum import StrEnum


class Purpose(StrEnum):
    PAGE = "page"  # the agency's page and its steps' pages (GET shows, POST needs a form token)
    CALENDAR = "calendar"  # the agency's iCal feed
    FORM = "form"  # one form on one step's page: the CSRF token, used once
    REPORT = "bao-cao"  # one report file for the coordinator and the leadership


class Refusal(StrEnum):
    TAMPERED = "tampered"  # not signed by us for this purpose, or unreadable
    EXPIRED = "expired"
    REVOKED = "revoked"  # an older generation than the agency's current one


@dataclass(frozen=True)
class Claims:
    purpose: Purpose
    agency: str
    generation: int
    expires: dt.datetime
    # A form token names the step it was issued for and carries a one-time number.
    step: str = ""
    nonce: str = ""
    # A report link names its file (a name in the reports folder, no folder part).
    file: str = ""


class LinkRefused(Exception):
    def __init__(self, refusal: Refusal) -> None:
        super().__init__(refusal.value)
        self.refusal = refusal


def purpose_key(secret: bytes, purpose: Purpose) -> bytes:
    return hmac.new(secret, f"kehoach-link/{purpose.value}".encode(), hashlib.sha256).digest()


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def sign(claims: Claims, secret: bytes) -> str:
    body = [claims.agency, claims.generation, int(claims.expires.timestamp())]
    if claims.purpose is Purpose.FORM:
        body += [claims.step, claims.nonce]
    if claims.purpose is Purpose.REPORT:
        body += [claims.file]
    payload = _b64(json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode())
    mac = hmac.new(purpose_key(secret, claims.purpose), payload.encode(), hashlib.sha256)
    return f"{payload}.{_b64(mac.digest()[:20])}"


def verify(token: str, purpose: Purpose, secret: bytes, now: dt.datetime) -> Claims:
    """The claims of a token signed for `purpose`; LinkRefused(TAMPERED/EXPIRED) otherwise.

    Revocation needs the agency's current generation: see `check_generation`.
    """
    payload, _, mac = token.partition(".")
    expected = hmac.new(purpose_key(secret, purpose), payload.encode(), hashlib.sha256)
    try:
        valid = hmac.compare_digest(_unb64(mac), expected.digest()[:20])
        claims = _claims(purpose, json.loads(_unb64(payload))) if valid else None
    except (ValueError, TypeError, IndexError):
        claims = None
    if claims is None:
        raise LinkRefused(Refusal.TAMPERED)
    if now >= claims.expires:
        raise LinkRefused(Refusal.EXPIRED)
    return claims


def _claims(purpose: Purpose, body: list[object]) -> Claims:
    agency, generation, expires = str(body[0]), int(str(body[1])), int(str(body[2]))
    step, nonce = (str(body[3]), str(body[4])) if purpose is Purpose.FORM else ("", "")
    moment = dt.datetime.fromtimestamp(expires, dt.UTC)
    file = str(body[3]) if purpose is Purpose.REPORT else ""
    return Claims(purpose, agency, generation, moment, step, nonce, file)


def check_generation(claims: Claims, current: int) -> None:
    if claims.generation != current:
        raise LinkRefused(Refusal.REVOKED)


def client_hash(secret: bytes, address: str) -> str:
    """A keyed hash of the client's address: the same client is recognisable in the log,
    the address itself cannot be recovered by trying all four billion of them."""
    key = hmac.new(secret, b"kehoach-link/client", hashlib.sha256).digest()
    return hmac.new(key, address.encode(), hashlib.sha256).hexdigest()[:16]
