"""The application's wiring: settings, the database and the calendar, opened once per process."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import ClassVar

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from kehoach.errors import UserError
from kehoach.services.lookup import NATIONAL_CALENDAR
from kehoach.settings import Settings
from kehoach.store.errors import describe as describe_store_error
from kehoach.store.planfile import LoadedPlan, load_plan_file, national_overrides
from kehoach.store.session import Database
from models.calendar import CalendarOverrides


def masked_url(url: str) -> str:
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return "(địa chỉ không đọc được)"


class AppContext:
    _current: ClassVar[AppContext | None] = None

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings()

    @classmethod
    def current(cls) -> AppContext:
        if cls._current is None:
            cls._current = AppContext()
        return cls._current

    @classmethod
    def use(cls, context: AppContext | None) -> None:
        """Replace the process-wide context (tests, the demo's own home)."""
        if cls._current is not None and cls._current is not context:
            cls._current.close()
        cls._current = context

    @cached_property
    def database(self) -> Database:
        url = self.settings.sqlalchemy_url
        try:
            return Database(url, session_info={NATIONAL_CALENDAR: self.national_calendar})
        except ArgumentError:
            raise UserError(f"KEHOACH_DATABASE_URL không hợp lệ: {masked_url(url)}") from None
        except SQLAlchemyError as error:
            raise UserError(
                f"Không mở được cơ sở dữ liệu {masked_url(url)}: {type(error).__name__}"
            ) from None

    @cached_property
    def national_calendar(self) -> CalendarOverrides | None:
        return national_overrides(self.settings.calendar_overrides)

    def load_plan_file(self, path: Path) -> LoadedPlan:
        return load_plan_file(path, self.national_calendar)

    def close(self) -> None:
        if "database" in self.__dict__:
            self.database.dispose()

    @staticmethod
    def describe_database_error(error: SQLAlchemyError) -> str:
        # Named for what it is (issue 8); the driver's text, which may echo the URL, is not shown.
        return describe_store_error(error)
