"""`kehoach zalo …`: seed and inspect the Zalo OA token pair kept in the database.

Zalo's OAuth answer (access token, single-use refresh token, lifetime) is read from standard
input, never from the command line, where it would stay in the shell history and be
visible to every process on the machine.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated, Any

import typer

from kehoach.clock import now_utc
from kehoach.errors import UserError
from kehoach.services.context import AppContext
from kehoach.services.sweep import release_needs_auth
from models.timeutil import local_stamp
from notifications.zalo_tokens import AUTH_IN_DOUBT, SqlTokenStore, TokenPair

zalo_app = typer.Typer(help="Mã truy cập Zalo Official Account.", no_args_is_help=True)


def mask(secret: str) -> str:
    return f"{secret[:3]}…{secret[-2:]}" if len(secret) > 8 else "***"


def _token_answer(text: str) -> tuple[str, str, int]:
    try:
        data: Any = json.loads(text)
        access, refresh = str(data["access_token"]), str(data["refresh_token"])
        lifetime = int(data.get("expires_in", 90000))
    except (ValueError, KeyError, TypeError):
        raise UserError(
            "Cần nhập (qua đầu vào chuẩn) câu trả lời JSON của Zalo OAuth, có access_token, "
            'refresh_token và expires_in, ví dụ: {"access_token": "…", "refresh_token": "…", '
            '"expires_in": "90000"}.'
        ) from None
    if not access or not refresh or lifetime <= 0:
        raise UserError("access_token, refresh_token không được trống; expires_in phải dương.")
    return access, refresh, lifetime


def _store() -> SqlTokenStore:
    return SqlTokenStore(AppContext.current().database.engine)


@zalo_app.command("token")
def seed_token(
    oa_id: Annotated[str, typer.Argument(help="Mã Official Account (OA ID).")],
) -> None:
    """Lưu cặp mã truy cập Zalo (đọc JSON của Zalo OAuth từ đầu vào chuẩn)."""
    access, refresh, lifetime = _token_answer(sys.stdin.read())
    now = now_utc()
    pair = TokenPair.from_expires_in(access, refresh, lifetime, now)
    _store().put(oa_id, pair)
    typer.echo(
        f"Đã lưu mã truy cập Zalo cho OA {oa_id} ({mask(access)}), hết hạn lúc "
        f"{local_stamp(pair.expires_at)}; kehoach tự làm mới trước khi hết hạn."
    )
    # The messages that waited for this OA to be authorised again go with the next delivery.
    waiting = release_needs_auth(AppContext.current(), now)
    if waiting:
        typer.echo(f"{len(waiting)} thư đang chờ cấp lại quyền sẽ được gửi ở lượt gửi kế tiếp.")


@zalo_app.command("status")
def token_status(
    oa_id: Annotated[str, typer.Argument(help="Mã Official Account (OA ID).")],
) -> None:
    """Cho biết mã truy cập Zalo đang lưu (che bớt) và thời hạn."""
    pair = _store().get(oa_id)
    if pair is None:
        raise UserError(f"Chưa có mã truy cập Zalo cho OA {oa_id}; dùng `kehoach zalo token`.")
    typer.echo(
        f"OA {oa_id}: mã truy cập {mask(pair.access_token)}, hết hạn lúc "
        f"{local_stamp(pair.expires_at)}."
    )
    auth = _store().auth_state(oa_id)
    if auth.needs_auth:
        typer.echo(
            f"Cần cấp lại quyền: {auth.note or 'Zalo từ chối mã làm mới'}. Mọi tin gửi qua OA "
            "này đang chờ; cấp lại quyền cho ứng dụng Zalo rồi nạp cặp mã mới."
        )
    elif auth.state == AUTH_IN_DOUBT:
        typer.echo(f"Lưu ý: {auth.note} Nếu lần gửi sau báo lỗi mã, cần cấp lại quyền.")
    else:
        typer.echo("Tình trạng: hoạt động bình thường.")


def register(app: typer.Typer) -> None:
    app.add_typer(zalo_app, name="zalo")
