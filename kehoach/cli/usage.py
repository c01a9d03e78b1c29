"""The frame Typer draws around our commands, in Vietnamese: help headings and usage errors.

Typer (0.29 here) vendors its own Click as `typer._click`: its exceptions are not the `click`
package's, so a handler written against `click` never matches them. Everything that depends
on those internals is kept in this one module, and its tests try each kind of usage error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import ValidationError
from typer import rich_utils
from typer._click import core as click_core
from typer._click import exceptions as click_errors
from typer._click import formatting
from typer.core import TyperGroup

HELP_LINE = "Xem hướng dẫn này rồi thoát."
HINT = "Xem hướng dẫn: kehoach --help (hoặc kehoach <lệnh> --help)."

# Module-level texts of Typer's rich help, read each time help is drawn.
rich_utils.ARGUMENTS_PANEL_TITLE = "Tham số"
rich_utils.OPTIONS_PANEL_TITLE = "Tùy chọn"
rich_utils.COMMANDS_PANEL_TITLE = "Lệnh"
rich_utils.ERRORS_PANEL_TITLE = "Lỗi"
rich_utils.DEFAULT_STRING = "[mặc định: {}]"
rich_utils.REQUIRED_LONG_STRING = "[bắt buộc]"
rich_utils.ENVVAR_STRING = "[biến môi trường: {}]"
rich_utils.DEPRECATED_STRING = "(không còn dùng) "
rich_utils.ABORTED_TEXT = "Đã dừng."


class _VietnameseFormatter(formatting.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)


class _VietnameseContext(click_core.Context):
    formatter_class = _VietnameseFormatter


UsageError = click_errors.UsageError


def localize(command: click_core.Command) -> click_core.Command:
    """Give `command` and every subcommand the Vietnamese usage line and --help line."""
    for each in _walk(command):
        each.context_class = _VietnameseContext
        each.options_metavar = "[TÙY CHỌN]"
        if isinstance(each, TyperGroup):
            each.subcommand_metavar = "LỆNH [THAM SỐ]..."
        help_option = each.get_help_option(click_core.Context(each))
        if help_option is not None:
            help_option.help = HELP_LINE
        for param in [*each.params, *([help_option] if help_option else [])]:
            _localize_type(param)
    return command


# Typer shows a value's Python type beside it ("<str>", "<bool>"); a person reads these.
_TYPE_WORDS = {"<str>": "<chữ>", "<int>": "<số>", "<float>": "<số>", "<path>": "<tệp>"}


def _localize_type(param: click_core.Parameter) -> None:
    english = getattr(param, "display_type", None)
    if english is None:
        return

    def vietnamese(ctx: click_core.Context) -> str | None:
        # A flag needs no type; an unknown type is better left out than shown in English.
        return _TYPE_WORDS.get(english(ctx))

    param.display_type_rich = vietnamese  # type: ignore[attr-defined]


def _walk(command: click_core.Command) -> Iterator[click_core.Command]:
    yield command
    if isinstance(command, TyperGroup):
        for child in command.commands.values():
            yield from _walk(child)


def describe(error: click_errors.UsageError) -> str:
    """The Vietnamese sentence for one usage error (never Click's English)."""
    if isinstance(error, click_errors.NoArgsIsHelpError):
        return f"chưa chọn lệnh; các lệnh có thể dùng được liệt kê ở trên.{_where(error)}"
    if isinstance(error, click_errors.MissingParameter):
        return _missing(error)
    if isinstance(error, click_errors.BadParameter):
        return _bad_value(error)
    if isinstance(error, click_errors.NoSuchOption):
        return _no_such_option(error)
    if isinstance(error, click_errors.BadOptionUsage):
        return _bad_option_usage(error)
    return _other(error)


def _where(error: click_errors.UsageError) -> str:
    # The command path names what the person typed, e.g. "kehoach event".
    path = error.ctx.command_path if error.ctx is not None else ""
    return f" (lệnh: {path})" if path else ""


def _param_label(param: click_core.Parameter | None) -> str:
    if param is None:
        return "tham số"
    help_text = (getattr(param, "help", None) or "").rstrip(".")
    if param.param_type_name == "argument":
        name = f"tham số {(param.name or '').upper()}"
    else:
        name = f"tùy chọn {' / '.join(param.opts)}"
    return f"{name} ({help_text})" if help_text else name


def _missing(error: click_errors.MissingParameter) -> str:
    return f"thiếu {_param_label(error.param)}.{_where(error)}"


def _bad_value(error: click_errors.BadParameter) -> str:
    value = _typed_value(error)
    shown = f" '{value}'" if value is not None else ""
    return f"giá trị{shown} không hợp lệ cho {_param_label(error.param)}.{_where(error)}"


def _typed_value(error: click_errors.BadParameter) -> object | None:
    # Typer converts values with pydantic; the refused input travels in the cause.
    cause = error.__cause__
    if isinstance(cause, ValidationError) and cause.errors():
        return cause.errors()[0].get("input")
    return None


def _no_such_option(error: click_errors.NoSuchOption) -> str:
    close = ", ".join(error.possibilities or [])
    suggestion = f" Có phải: {close}?" if close else ""
    return f"không có tùy chọn {error.option_name}.{suggestion}{_where(error)}"


def _bad_option_usage(error: click_errors.BadOptionUsage) -> str:
    if "does not take a value" in error.message:
        return f"tùy chọn {error.option_name} không nhận giá trị.{_where(error)}"
    return f"tùy chọn {error.option_name} cần một giá trị đi kèm.{_where(error)}"


_NO_SUCH_COMMAND = re.compile(
    r"No such command '(?P<name>[^']*)'\.(?: Did you mean (?P<close>.*)\?)?"
)
_EXTRA = re.compile(r"Got unexpected extra argument(?:\(s\)|s)? \((?P<extra>.*)\)$")


def _other(error: click_errors.UsageError) -> str:
    # Plain UsageErrors carry only an English sentence; the known ones are recognised by it.
    unknown = _NO_SUCH_COMMAND.match(error.message)
    if unknown:
        close = unknown.group("close")
        suggestion = f" Có phải: {close.replace(chr(39), '')}?" if close else ""
        return f"không có lệnh '{unknown.group('name')}'.{suggestion}{_where(error)}"
    extra = _EXTRA.match(error.message)
    if extra:
        return f"thừa tham số: {extra.group('extra')}.{_where(error)}"
    if error.message.startswith("Missing command"):
        return f"chưa chọn lệnh.{_where(error)}"
    return f"lệnh gõ chưa đúng cú pháp.{_where(error)}"
