"""Database errors named for what they are, in Vietnamese, without the driver's text.

The driver's message may echo the connection URL with its password, so only its kind is
read: SQLSTATE codes on PostgreSQL, a few well-known phrases on SQLite. Telling every user
to "check KEHOACH_DATABASE_URL" sent them hunting for a wrong setting when the server was
out of lock memory or another process held the database.
"""

from __future__ import annotations

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

# SQLSTATE class or code → what happened (PostgreSQL error codes, appendix A).
_SQLSTATE = {
    "53200": "máy chủ PostgreSQL hết bộ nhớ (out of memory, thường là bảng khóa đầy)",
    "53100": "máy chủ PostgreSQL hết chỗ trên đĩa",
    "53300": "máy chủ PostgreSQL đã đủ số kết nối tối đa",
    "40001": "hai giao dịch ghi cùng lúc xung đột (serialization failure); chạy lại là được",
    "40P01": "hai giao dịch chờ khóa của nhau (deadlock); chạy lại là được",
    "55P03": "dữ liệu đang bị tiến trình khác khóa",
    "57014": "câu lệnh bị hủy vì chạy quá lâu",
    "28P01": "sai mật khẩu cơ sở dữ liệu (xem KEHOACH_DATABASE_URL)",
    "28000": "tài khoản không được phép kết nối (xem KEHOACH_DATABASE_URL)",
    "3D000": "không có cơ sở dữ liệu này (xem KEHOACH_DATABASE_URL)",
    "42P01": "thiếu bảng: cơ sở dữ liệu chưa được nâng cấp lên lược đồ mới",
}
_SQLITE = {
    "database is locked": "tệp cơ sở dữ liệu đang bị tiến trình khác ghi quá lâu",
    "disk i/o error": "lỗi đọc ghi đĩa",
    "database or disk is full": "đĩa đã đầy",
    "no such table": "thiếu bảng: cơ sở dữ liệu chưa được nâng cấp lên lược đồ mới",
    "unable to open database file": "không mở được tệp cơ sở dữ liệu (thư mục KEHOACH_HOME)",
    "readonly database": "tệp cơ sở dữ liệu chỉ đọc",
}


def describe(error: SQLAlchemyError) -> str:
    """What went wrong, for a person; the kind of error in brackets, never the driver text."""
    kind = type(getattr(error, "orig", None) or error).__name__
    return f"{_what(error)} ({kind})"


def _what(error: SQLAlchemyError) -> str:
    original = getattr(error, "orig", None)
    code = getattr(original, "sqlstate", None) or getattr(original, "pgcode", None)
    if code in _SQLSTATE:
        return _SQLSTATE[code]
    text = str(original or "").lower()
    for phrase, meaning in _SQLITE.items():
        if phrase in text:
            return meaning
    if isinstance(error, DBAPIError) and error.connection_invalidated:
        return "mất kết nối tới máy chủ cơ sở dữ liệu"
    if "connection" in text and ("refused" in text or "could not" in text):
        return "không kết nối được tới máy chủ cơ sở dữ liệu (xem KEHOACH_DATABASE_URL)"
    return "lỗi cơ sở dữ liệu"
