"""Who a request acts for: the agency named by a valid link, and the form tokens it posts.

Refusals, and the HTTP status each gets (a person always sees why, in Vietnamese):
    403  tampered or unreadable link or form token; a revoked link (the agency's links
         were withdrawn: the resource exists, this credential no longer opens it)
    410  an expired link (it worked once; a newer notice carries a new one)
    404  a step the link's agency neither leads nor cooperates on (its existence is not
         revealed), or no such step
    409  a form token already used (a replayed or doubled POST)
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from kehoach.services.links import generation
from kehoach.store.web_tables import UsedFormRow
from models.links import Claims, LinkRefused, Purpose, Refusal, check_generation, sign, verify

FORM_HOURS = 8  # a form left open over a working day can still be sent


class Refused(Exception):
    """A request the web service turns away, with the page's heading and explanation."""

    def __init__(self, status: int, heading: str, detail: str) -> None:
        super().__init__(heading)
        self.status, self.heading, self.detail = status, heading, detail


REFUSALS = {
    Refusal.TAMPERED: Refused(
        403,
        "Liên kết không hợp lệ",
        "Địa chỉ này không đúng với liên kết hệ thống đã gửi (có thể bị sao chép thiếu "
        "hoặc bị sửa). Xin mở lại liên kết trong thư nhắc việc gần nhất.",
    ),
    Refusal.EXPIRED: Refused(
        410,
        "Liên kết đã hết hạn",
        "Liên kết này đã quá thời hạn sử dụng. Mỗi thư nhắc việc mới đều kèm một liên kết "
        "mới; xin mở liên kết trong thư gần nhất hoặc liên hệ cơ quan đầu mối.",
    ),
    Refusal.REVOKED: Refused(
        403,
        "Liên kết đã bị thu hồi",
        "Cơ quan đầu mối đã thu hồi các liên kết cũ của cơ quan. Xin dùng liên kết trong "
        "thư nhắc việc mới nhất hoặc liên hệ cơ quan đầu mối.",
    ),
}
NOT_YOURS = Refused(
    404,
    "Không tìm thấy nhiệm vụ",
    "Nhiệm vụ này không có trong danh sách việc của cơ quan (không chủ trì, không phối hợp, "
    "không nhận sản phẩm).",
)
REPLAYED = Refused(
    409,
    "Nội dung này đã được gửi",
    "Biểu mẫu này đã được gửi một lần và đã được ghi nhận; không ghi lại lần nữa. "
    "Xin mở lại trang nhiệm vụ để xem và gửi nội dung mới.",
)


def refused(refusal: Refusal) -> Refused:
    return REFUSALS[refusal]


@dataclass(frozen=True)
class Visitor:
    """The agency a valid link speaks for."""

    agency: str
    generation: int
    token: str


def visitor(
    session: Session, token: str, purpose: Purpose, secret: bytes, now: dt.datetime
) -> Visitor:
    try:
        claims = verify(token, purpose, secret, now)
        check_generation(claims, generation(session, claims.agency))
    except LinkRefused as error:
        raise refused(error.refusal) from None
    return Visitor(claims.agency, claims.generation, token)


def form_token(who: Visitor, step: str, secret: bytes, now: dt.datetime) -> str:
    expires = now + dt.timedelta(hours=FORM_HOURS)
    claims = Claims(Purpose.FORM, who.agency, who.generation, expires, step, uuid.uuid4().hex)
    return sign(claims, secret)


def use_form(
    session: Session, who: Visitor, step: str, token: str, secret: bytes, now: dt.datetime
) -> None:
    """The form token was issued to this agency for this step, and is used now, once.

    Its number is written in the action's own transaction: a replay (or a double click)
    meets the unique key and the whole transaction, action included, is rolled back.
    """
    try:
        claims = verify(token, Purpose.FORM, secret, now)
    except LinkRefused as error:
        raise refused(error.refusal) from None
    if (claims.agency, claims.generation, claims.step) != (who.agency, who.generation, step):
        raise refused(Refusal.TAMPERED)
    savepoint = session.begin_nested()
    try:
        session.add(UsedFormRow(nonce=claims.nonce, agency=who.agency, step_key=step, used_at=now))
        session.flush()
    except IntegrityError:
        savepoint.rollback()
        raise REPLAYED from None
    savepoint.commit()
