"""What the agencies' web service keeps: each agency's link generation and used form tokens.

An agency's links name its generation; raising it (revoking) makes every older link of
that agency refused. A form token is used once: its number is written here in the same
transaction as the action, so a replayed POST hits the unique key and writes nothing.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kehoach.store.base import Base
from kehoach.store.types import UTCDateTime


class AgencyLinkRow(Base):
    __tablename__ = "agency_links"

    # Agency codes are shared across plans: one agency, one page, one generation.
    agency: Mapped[str] = mapped_column(String(60), primary_key=True)
    generation: Mapped[int] = mapped_column(default=1)
    changed_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    changed_by: Mapped[str] = mapped_column(String(60))


class UsedFormRow(Base):
    __tablename__ = "used_form_tokens"

    nonce: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency: Mapped[str] = mapped_column(String(60))
    step_key: Mapped[str] = mapped_column(String(200))
    used_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
