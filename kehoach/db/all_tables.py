"""Imports every module that declares tables, so metadata and migrations see them all."""

from kehoach.db import tables  # noqa: F401
