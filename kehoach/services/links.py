"""Agencies' links: the secret, each agency's link generation, and the addresses in notices.

link_secret      the one secret every link is signed with (KEHOACH_LINK_SECRET, or a
                 file generated in KEHOACH_HOME on first use); never printed
generation       an agency's current link generation (1 until first revoked)
revoke           raise it: every link the agency was sent before stops working
Links            builds the signed addresses from KEHOACH_PUBLIC_URL
notice_path      the step a receipt request opens on, for the receiver it asks
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import select
from sqlalchemy.orm import Session

from kehoach.errors import UserError
from kehoach.settings import Settings
from kehoach.store.outbox_tables import ReminderItemRow
from kehoach.store.tables import StepRow
from kehoach.store.web_tables import AgencyLinkRow
from models.links import Claims, Purpose, sign
from models.receipts import confirmers
from models.reminders import Rule

RECEIPT_RULES = (Rule.RECEIPT_REQUESTED.value, Rule.RECEIPT_UNCONFIRMED.value)

SECRET_FILE = "khoa-lien-ket"


def link_secret(settings: Settings) -> bytes:
    if settings.link_secret is not None:
        return settings.link_secret.get_secret_value().encode("utf-8")
    return _secret_file(settings.home / SECRET_FILE)


def _secret_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # O_EXCL: two processes starting at once cannot each write a different secret.
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return path.read_bytes().strip()
        with os.fdopen(handle, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_bytes().strip()


def generation(session: Session, agency: str) -> int:
    row = session.get(AgencyLinkRow, agency)
    return row.generation if row else 1


def revoke(session: Session, agency: str, now: dt.datetime, by: str) -> int:
    """Every link the agency holds stops working; the next notice brings a new one."""
    row = session.get(AgencyLinkRow, agency, with_for_update=True)
    if row is None:
        row = AgencyLinkRow(agency=agency, generation=1, changed_at=now, changed_by=by)
        session.add(row)
    row.generation += 1
    row.changed_at, row.changed_by = now, by
    return row.generation


@dataclass(frozen=True)
class Links:
    public_url: str
    secret: bytes
    days: int = 30
    calendar_days: int = 366

    @classmethod
    def of(cls, settings: Settings) -> Links | None:
        """None when no public address is set: notices then carry no link."""
        if settings.public_url is None:
            return None
        secret = link_secret(settings)
        return cls(settings.public_url, secret, settings.link_days, settings.calendar_link_days)

    @classmethod
    def required(cls, settings: Settings) -> Links:
        links = cls.of(settings)
        if links is None:
            raise UserError(
                "Chưa đặt địa chỉ công khai của trang báo cáo (biến môi trường "
                "KEHOACH_PUBLIC_URL, ví dụ https://kehoach.example.gov.vn)."
            )
        return links

    def token(self, purpose: Purpose, agency: str, gen: int, now: dt.datetime) -> str:
        days = self.calendar_days if purpose is Purpose.CALENDAR else self.days
        expires = now + dt.timedelta(days=days)
        return sign(Claims(purpose, agency, gen, expires), self.secret)

    def page(self, agency: str, gen: int, now: dt.datetime) -> str:
        return f"{self.public_url}/a/{self.token(Purpose.PAGE, agency, gen, now)}"

    def calendar(self, agency: str, gen: int, now: dt.datetime) -> str:
        return f"{self.public_url}/lich/{self.token(Purpose.CALENDAR, agency, gen, now)}.ics"

    def report(self, path: Path, now: dt.datetime) -> str:
        """A signed, expiring address of one report file (served by kehoach.web)."""
        expires = now + dt.timedelta(days=self.days)
        token = sign(Claims(Purpose.REPORT, "", 0, expires, file=path.name), self.secret)
        return f"{self.public_url}/bao-cao/{token}/{quote(path.name, safe='')}"

    def for_recipient(self, session: Session, agency: str, now: dt.datetime) -> str:
        return self.page(agency, generation(session, agency), now)


def step_path(plan_id: str, step_key: str) -> str:
    """The step's part of a page address; step keys hold '#' and '@', which are quoted."""
    return f"/buoc/{quote(plan_id, safe='')}/{quote(step_key, safe='')}"


def notice_path(session: Session, message_id: int, recipient: str) -> str:
    """A notice asking `recipient` to confirm receipt of one step's deliverable opens on
    that step's page, where the confirmation is one button; any other notice (or one
    about several steps) opens on the agency's page, which lists them all."""
    query = select(ReminderItemRow.plan_id, ReminderItemRow.step_key).where(
        ReminderItemRow.message_id == message_id, ReminderItemRow.rule.in_(RECEIPT_RULES)
    )
    steps = {(plan_id, key) for plan_id, key in session.execute(query)}
    if len(steps) != 1:
        return ""
    plan_id, key = steps.pop()
    row = session.scalar(select(StepRow).where(StepRow.plan_id == plan_id, StepRow.key == key))
    if row is None or recipient == row.lead:
        return ""
    return step_path(plan_id, key) if recipient in confirmers(row.receivers, row.via) else ""
