"""The plan schema an editor reads: every model and field titled and described in Vietnamese."""

from __future__ import annotations

import json
from typing import Any

from kehoach.cli import schema_vi
from kehoach.cli.main import run as run_cli
from models.plan import Event, Plan


def _definitions(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {"Plan": document, **document["$defs"]}


def test_every_field_of_the_plan_model_has_a_vietnamese_title_and_description() -> None:
    missing = [
        f"{model}.{field}"
        for model, definition in _definitions(Plan.model_json_schema()).items()
        for field in [None, *definition.get("properties", {})]
        if (
            model not in schema_vi.MODELS
            if field is None
            else field not in schema_vi.FIELDS.get(model, {})
        )
    ]
    assert missing == [], "add them to kehoach/cli/schema_vi.py"


def test_the_table_names_no_field_the_plan_model_does_not_have() -> None:
    generated = _definitions(Plan.model_json_schema())
    generated["Plan"]["properties"]["event"] = {}  # the v1 key plan_json_schema adds
    stale = [
        f"{model}.{field}"
        for model, fields in schema_vi.FIELDS.items()
        for field in fields
        if field not in generated.get(model, {}).get("properties", {})
    ]
    assert stale == [] and set(schema_vi.MODELS) <= set(generated)


def test_the_schema_command_shows_vietnamese_and_keeps_the_english_as_a_comment(
    capsys,
) -> None:
    assert run_cli(["schema"]) == 0
    document = json.loads(capsys.readouterr().out)
    assumed = document["$defs"]["Event"]["properties"]["assumed_date"]
    assert assumed["title"] == "Ngày tạm tính"
    assert "xác nhận" in assumed["description"]
    assert assumed["$comment"] == Event.model_fields["assumed_date"].description
    assert document["$defs"]["Step"]["title"] == "Bước công việc"


def test_no_title_is_left_as_the_english_field_name_pydantic_would_give() -> None:
    document = schema_vi.localize(Plan.model_json_schema())
    english = [
        f"{model}.{field}"
        for model, definition in _definitions(document).items()
        for field, prop in definition.get("properties", {}).items()
        if prop["title"] == field.replace("_", " ").title()
    ]
    assert english == []
