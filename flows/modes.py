"""How a replay runs its sweeps; importable before Prefect is (the CLI checks it first)."""

from __future__ import annotations

from enum import StrEnum

from kehoach.errors import UserError


class Mode(StrEnum):
    ALL = "moi-ngay"
    KEY = "ngay-chinh"
    NONE = "khong"


MODE_LABELS = {
    Mode.ALL: "mọi lượt quét chạy qua Prefect",
    Mode.KEY: "lượt quét ngày chính chạy qua Prefect, các ngày khác gọi thẳng dịch vụ nhắc việc",
    Mode.NONE: "không dùng Prefect",
}


def parse_mode(value: str) -> Mode:
    try:
        return Mode(value)
    except ValueError:
        choices = ", ".join(m.value for m in Mode)
        raise UserError(f"--prefect '{value}' không hợp lệ; chọn một trong: {choices}.") from None
