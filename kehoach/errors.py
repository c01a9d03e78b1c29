"""Errors a person can act on: a Vietnamese message, never a traceback."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; the CLI prints the message and exits with code 2."""

    exit_code = 2

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanFileError(UserError):
    def __init__(self, file: str, problems: list[str]) -> None:
        lines = "\n".join(f"  {problem}" for problem in problems)
        super().__init__(f"Tệp kế hoạch {file} có {len(problems)} lỗi:\n{lines}")
        self.problems = problems
