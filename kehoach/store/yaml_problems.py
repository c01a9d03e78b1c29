"""YAML mistakes explained in Vietnamese, for a person who has never read the YAML spec.

PyYAML's messages ("mapping values are not allowed here") say what the parser met, not what
the writer did. Each known shape is recognised and told as the mistake a person makes (a
Tab, a misaligned line, a quote left open, a key written twice, a comma inside `{…}`), with
the line to look at and what to write instead.
"""

from __future__ import annotations

from collections.abc import Iterator

import yaml

_QUOTE_ADVICE = 'đặt cả giá trị trong dấu nháy kép, ví dụ: title: "Báo cáo: kết quả thực hiện"'


def syntax_problem(file: str, exc: yaml.YAMLError, text: str) -> str:
    """One located line describing a YAML syntax error."""
    mark = getattr(exc, "problem_mark", None)
    line = mark.line + 1 if mark else 1
    column = mark.column + 1 if mark else 1
    # A double-quoted value may run over lines, so a quote left open surfaces as some other
    # error further down: look for the line that opened it first.
    unclosed = _unclosed_quote(text, line)
    if unclosed:
        at, where = unclosed
        return (
            f"{file}:{at}: YAML không hợp lệ (cột {where}): dấu nháy kép mở ở dòng {at} chưa "
            'được đóng trên dòng đó: thêm dấu " ở cuối giá trị'
        )
    context = getattr(exc, "context", None) or ""
    problem = getattr(exc, "problem", None) or ""
    opened = getattr(exc, "context_mark", None)
    if "quoted scalar" in context and opened:
        # The end of the file says nothing: point at the open quote.
        line, column = opened.line + 1, opened.column + 1
    explained = _explain(context, problem, opened, line)
    return f"{file}:{line}: YAML không hợp lệ (cột {column}): {explained}"


def _unclosed_quote(text: str, last: int) -> tuple[int, int] | None:
    """(line, column) of the first line up to `last` with an odd number of double quotes."""
    for number, line in enumerate(text.splitlines()[:last], start=1):
        content = line.split(" #", 1)[0].replace('\\"', "  ")
        if content.count('"') % 2:
            return number, content.rindex('"') + 1
    return None


def _explain(context: str, problem: str, opened: yaml.Mark | None, line: int) -> str:
    if "'\\t'" in problem:
        return (
            "có ký tự Tab; YAML chỉ thụt lề bằng dấu cách: thay mỗi Tab bằng dấu cách "
            "(thường là 2 dấu cách mỗi bậc)"
        )
    if "quoted scalar" in context:
        start = opened.line + 1 if opened else line
        return (
            f"dấu nháy mở ở dòng {start} chưa được đóng: thêm dấu nháy đóng cùng loại "
            "(\" hoặc ') ở cuối giá trị"
        )
    if "flow mapping" in context or "flow sequence" in context:
        start = opened.line + 1 if opened else line
        return (
            f"dấu ngoặc {{ hoặc [ mở ở dòng {start} chưa được đóng đúng chỗ: kiểm tra dấu "
            "} hoặc ] và các dấu phẩy; giá trị có dấu phẩy hay dấu hai chấm thì " + _QUOTE_ADVICE
        )
    if problem == "mapping values are not allowed here":
        return (
            "dấu hai chấm ở chỗ không được dùng: nếu giá trị có chứa dấu hai chấm thì "
            f"{_QUOTE_ADVICE}; nếu không, dòng này thụt lề sai so với dòng trên"
        )
    if "expected <block end>" in problem:
        return (
            "thụt lề không khớp: các khóa cùng cấp phải thẳng cột với nhau, các mục của "
            "danh sách (dòng bắt đầu bằng '- ') phải thẳng cột với nhau"
        )
    return f"không đọc được tệp ({problem or context or 'lỗi không rõ'}); kiểm tra dòng này"


def structure_problems(root: yaml.Node | None) -> Iterator[tuple[int, int, str]]:
    """(line, column, message) for YAML that parses but cannot be what was meant: a key
    written twice (PyYAML keeps the last one silently) and the comma trap of flow mappings."""
    if root is None:
        return
    stack = [root]
    while stack:
        node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            yield from _mapping_problems(node)
            stack.extend(value for _, value in node.value)
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(node.value)


def _mapping_problems(node: yaml.MappingNode) -> Iterator[tuple[int, int, str]]:
    seen: dict[str, int] = {}
    previous: tuple[yaml.Node, yaml.Node] | None = None
    for key, value in node.value:
        line, column = key.start_mark.line + 1, key.start_mark.column + 1
        if previous and _comma_split(key, value, previous[1]):
            yield line, column, _comma_message(previous[0].value, previous[1].value, key.value)
        elif key.value in seen:
            yield line, column, _duplicate_message(key.value, seen[key.value])
        seen.setdefault(key.value, line)
        previous = (key, value)


def _duplicate_message(key: str, first: int) -> str:
    return (
        f"khóa '{key}' được ghi hai lần trong cùng một khối (lần đầu ở dòng {first}): "
        "bỏ hoặc gộp một trong hai"
    )


def _comma_split(key: yaml.Node, value: yaml.Node, before: yaml.Node) -> bool:
    # `{name: UBND các huyện, thành phố}`: the comma ends the value and "thành phố" becomes a
    # key with no colon (its null value starts exactly where the key ends).
    implicit_null = (
        isinstance(value, yaml.ScalarNode)
        and value.tag == "tag:yaml.org,2002:null"
        and value.start_mark.index == key.end_mark.index
    )
    return implicit_null and isinstance(before, yaml.ScalarNode) and before.style is None


def _comma_message(name: str, value: str, rest: str) -> str:
    return (
        f"dấu phẩy trong giá trị của '{name}' khiến YAML hiểu '{rest}' là một khóa mới; "
        f'đặt giá trị trong dấu nháy kép: {name}: "{value}, {rest}"'
    )
