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
    # The agencies' web service (kehoach web): the address agencies open, e.g.
    # https://kehoach.sldtbxh.ninhthuan.gov.vn; notices carry links only when it is set.
    public_url: str | None = None
    # Signs every agency link; generated into KEHOACH_HOME on first use when unset.
    link_secret: SecretStr | None = None
    link_days: int = Field(default=30, ge=1, le=366)
    calendar_link_days: int = Field(default=366, ge=1, le=3 * 366)
    upload_limit_mb: int = Field(default=20, ge=1, le=200)
    # Report files: written by whichever machine runs the report flow, served by `kehoach
    # web`; when those are different machines this is one shared (NFS/SMB) folder.
    reports_dir: Path | None = Field(
        default=None,
        description=(
            "Thư mục ghi các tệp báo cáo (Word, Excel) và để trang của các cơ quan tải về; "
            "khi chạy nhiều máy, đặt là thư mục dùng chung (NFS/SMB) gắn ở cùng một chỗ trên "
            "mọi máy. Mặc định: thư mục bao-cao trong KEHOACH_HOME."
        ),
    )

    @field_validator("public_url")
    @classmethod
    def _http_public_url(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        value = value.strip().rstrip("/")
        if not value.startswith(("https://", "http://")):
            raise ValueError("KEHOACH_PUBLIC_URL phải bắt đầu bằng https:// (hoặc http://)")
        return value

    @field_validator("home")
    @classmethod
    def _absolute_home(cls, value: Path) -> Path:
        return value.expanduser().resolve()

    @field_validator("reports_dir", mode="before")
    @classmethod
    def _absolute_reports_dir(cls, value: object) -> object:
        if isinstance(value, str | Path) and not str(value).strip():
            return None  # KEHOACH_REPORTS_DIR= (empty): the default
        return Path(str(value)).expanduser().resolve() if isinstance(value, str | Path) else value

    @cached_property
    def sqlalchemy_url(self) -> str:
        if self.database_url is not None:
            return self.database_url.get_secret_value()
        return f"sqlite:///{self.home / 'kehoach.store'}"

    @property
    def outbox_dir(self) -> Path:
        return self.home / "hop-thu"

    @property
    def report_folder(self) -> Path:
        """Where reports are written and served from (checked by kehoach.reports.files)."""
        return self.reports_dir or self.home / "bao-cao"

    @property
    def uploads_dir(self) -> Path:
        return self.home / "tep-nop"

    @property
    def prefect_home(self) -> Path:
        return self.home / "prefect"
