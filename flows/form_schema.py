"""Each form's parameter schema as registered: Vietnamese titles and the plans' choice lists.

Prefect derives a flow's parameter schema from its signature and titles each top-level
parameter with its Python name (`report`); the registered copy is edited here so the
form reads in Vietnamese, and, given a `Catalogue`, each step, agency and event field
becomes a drop-down list (JSON-schema `enum`) of the loaded plans' own words. A field with
no list (no step the form applies to, or more than `MAX_CHOICES`) keeps its text box
and says what to type.
"""

from __future__ import annotations

import copy
import typing
from typing import Any

from flows import forms
from flows.choices import COORDINATOR, MAX_CHOICES, Catalogue, StepFilter, distinct_labels
from kehoach.store.tables import StepRow

AS_OF_TITLE = "Thời điểm ghi nhận"


def _every_step(row: StepRow) -> bool:
    return True


def _has_deadline(row: StepRow) -> bool:
    return row.ongoing is None  # a duty without a deadline cannot be extended


def _has_receivers(row: StepRow) -> bool:
    return bool(row.receivers)


def _is_conditional(row: StepRow) -> bool:
    return row.conditional


def _has_report(row: StepRow) -> bool:
    return row.deliverable is not None or bool(row.receivers)


# The steps each form applies to; the applier refuses the others with its own reason.
STEPS_OF: dict[type[forms.Form], StepFilter] = {
    forms.ProgressReport: _every_step,
    forms.Extension: _has_deadline,
    forms.Resolution: _every_step,
    forms.ReceiptConfirmation: _has_receivers,
    forms.NotApplicable: _is_conditional,
    forms.ReturnedReport: _has_report,
    forms.ExtensionDecision: _has_deadline,
}

NO_STEP_LIST = {
    "none": "Các kế hoạch đang theo dõi không có bước nào dùng biểu mẫu này. ",
    "many": f"Quá {MAX_CHOICES} bước, không lập danh sách chọn. ",
}
STEP_CODE_HINT = "Ghi mã bước như trong bảng tình hình của nhiệm vụ, ví dụ IV.2.programme."


def form_model(action: Any) -> type[forms.Form]:
    """The form (Pydantic model) an action flow takes as its first parameter."""
    hints = typing.get_type_hints(action.fn)
    return next(hint for hint in hints.values() if isinstance(hint, type))


def form_schema(action: Any, catalogue: Catalogue | None = None) -> dict[str, Any]:
    schema = copy.deepcopy(action.parameters.model_dump())
    model = form_model(action)
    for name, prop in schema["properties"].items():
        prop["title"] = AS_OF_TITLE if name == "as_of" else model.model_config.get("title")
    if catalogue is not None:
        _offer(schema["definitions"][model.__name__], model, catalogue)
    return schema


def _offer(definition: dict[str, Any], model: type[forms.Form], catalogue: Catalogue) -> None:
    props = definition["properties"]
    listed = False
    if "step" in props:
        listed = _list_steps(props["step"], catalogue.step_labels(STEPS_OF[model]))
    if "event_id" in props:
        listed = _list_events(props["event_id"], distinct_labels(catalogue.events))
    if listed:
        props.pop("plan_id", None)  # every label names its plan (or there is one plan)
    if "by" in props:
        _list_agencies(props["by"], [COORDINATOR, *distinct_labels(catalogue.agencies)])
    if "receiver" in props:
        _list_agencies(props["receiver"], distinct_labels(catalogue.receivers))


def _list_steps(prop: dict[str, Any], labels: list[str]) -> bool:
    if not labels or len(labels) > MAX_CHOICES:
        prop["description"] = NO_STEP_LIST["many" if labels else "none"] + STEP_CODE_HINT
        return False
    prop.pop("examples", None)
    prop.update(
        title="Bước",
        enum=labels,
        description="Số mục, tên việc và cơ quan chủ trì, theo Kế hoạch.",
    )
    return True


def _list_events(prop: dict[str, Any], labels: list[str]) -> bool:
    if not labels:
        return False
    prop.update(title="Sự kiện", enum=labels, description="Sự kiện được chốt hoặc dời ngày.")
    if len(labels) == 1:
        prop["default"] = labels[0]
    else:
        prop.pop("default", None)  # with several events, the coordinator must choose
    return True


def _list_agencies(prop: dict[str, Any], labels: list[str]) -> None:
    if not labels or len(labels) > MAX_CHOICES:
        return
    prop.update(title=prop["title"].removesuffix(" (mã)"), enum=labels)
    prop.pop("description", None)  # it explained the code to type
    if COORDINATOR in labels:
        prop["default"] = COORDINATOR
