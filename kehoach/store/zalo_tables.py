"""The Zalo OA token pair, shared by every process on the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kehoach.store.base import Base
from kehoach.store.types import UTCDateTime


class ZaloTokenRow(Base):
    __tablename__ = "zalo_tokens"

    oa_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)
    lease_owner: Mapped[str | None] = mapped_column(String(64), nullable=True)
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    # ok | in_doubt (a refresh whose answer was lost) | needs_auth (Zalo refused the
    # refresh token: a person must authorise the app again).
    auth_state: Mapped[str] = mapped_column(String(12), default="ok")
    auth_note: Mapped[str | None] = mapped_column(Text, nullable=True)
    auth_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
