"""Imports every module that declares tables, so metadata and migrations see them all."""

from kehoach.db import reminder_tables, tables  # noqa: F401
from notifications import zalo_tokens  # noqa: F401
