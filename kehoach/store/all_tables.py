"""Imports every module that declares tables, so metadata and migrations see them all."""

from kehoach.store import outbox_tables, tables, web_tables, zalo_tables  # noqa: F401
