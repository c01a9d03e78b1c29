"""One typed settings object, read from KEHOACH_* environment variables and an optional .env."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from platformdirs import user_data_dir
from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from kehoach.paths import bundled_config_dir


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KEHOACH_", env_file=".env", extra="ignore")

    home: Path = Field(default_factory=lambda: Path(user_data_dir("kehoach", appauthor=False)))
    database_url: SecretStr | None = None
    apprise_config: Path | None = None
    calendar_overrides: Path = Field(
        default_factory=lambda: bundled_config_dir() / "calendars" / "vn.yaml"
    )
    time_zone: str = "Asia/Ho_Chi_Minh"
    # How long a sender's claim on a message holds without renewal (renewed while sending).
    delivery_lease_minutes: int = Field(default=10, ge=1, le=24 * 60)

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @cached_property
    def sqlalchemy_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'kehoach.store'}"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "hop-thu"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"
