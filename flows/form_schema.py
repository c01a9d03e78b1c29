"""Each form's parameter schema as registered: Vietnamese titles and the plans' choice lists.

Prefect derives a flow's parameter schema from its signature and titles each top-level
parameter with its Python name (`report`); the registered copy is edited here so the
form reads in Vietnamese, and, given a `Catalogue`, each step, agency and event field
becomes a drop-down list (JSON-schema `enum`) of the loaded plans' own words.

A form whose tracked steps would not fit one list (more than `MAX_CHOICES`: a plan fanned
out over the communes) lists the plan steps instead, each once, and shows its "Cơ quan
thực hiện" list beside it; the pair is resolved to the tracked step when the form runs.
Only a form no step applies to keeps a text box, and says why.

When even that would not fit (the plan steps of all open plans, or their agencies, past
`MAX_CHOICES`: the national shape), `lists_fit` says so and each plan gets its own forms
(flows/deployments.py), whose lists are built from that plan alone; the plan is then a
parameter of the deployment (the flow's `plan_id`), never a field of the form.
"""

from __future__ import annotations

import copy
import typing
from typing import Any

from flows import forms
from flows.choices import (
    COORDINATOR,
    MAX_CHOICES,
    Catalogue,
    StepFacts,
    StepFilter,
    distinct_labels,
)

AS_OF_TITLE = "Thời điểm ghi nhận"


def _every_step(row: StepFacts) -> bool:
    return True


def _has_deadline(row: StepFacts) -> bool:
    return row.ongoing is None  # a duty without a deadline cannot be extended


def _has_receivers(row: StepFacts) -> bool:
    return bool(row.receivers)


def _is_conditional(row: StepFacts) -> bool:
    return row.conditional


def _has_report(row: StepFacts) -> bool:
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

# A text box is left only where no list can be made; it never asks for a step's code.
NO_STEP_LIST = {
    "none": "Các kế hoạch đang theo dõi không có bước nào dùng biểu mẫu này.",
    "many": f"Quá {MAX_CHOICES} bước, không lập danh sách chọn: ghi số mục và tên việc đúng "
    "như trong Kế hoạch (ví dụ “IV.2 · Xây dựng chương trình Hội nghị”).",
}
STEP_DESCRIPTION = "Số mục, tên việc và cơ quan chủ trì, theo Kế hoạch."
GROUP_DESCRIPTION = (
    "Số mục và tên việc theo Kế hoạch; bước giao cho nhiều cơ quan: chọn thêm cơ quan ở ô "
    "“Cơ quan thực hiện”."
)


def form_model(action: Any) -> type[forms.Form]:
    """The form (Pydantic model) an action flow takes as its first parameter."""
    hints = typing.get_type_hints(action.fn)
    return next(hint for hint in hints.values() if isinstance(hint, type))


def form_schema(action: Any, catalogue: Catalogue | None = None) -> dict[str, Any]:
    schema = copy.deepcopy(action.parameters.model_dump())
    model = form_model(action)
    # Set by a plan's own deployment, never typed: not a field of the form.
    schema["properties"].pop("plan_id", None)
    for name, prop in schema["properties"].items():
        prop["title"] = AS_OF_TITLE if name == "as_of" else model.model_config.get("title")
    if catalogue is not None:
        _offer(schema["definitions"][model.__name__], model, catalogue)
    return schema


def _offer(definition: dict[str, Any], model: type[forms.Form], catalogue: Catalogue) -> None:
    props = definition["properties"]
    listed = False
    if "step" in props:
        listed = _offer_steps(props, catalogue, STEPS_OF[model])
    if "event_id" in props:
        listed = _list_events(props["event_id"], distinct_labels(catalogue.events))
    if listed:
        props.pop("plan_id", None)  # every label names its plan (or there is one plan)
    if "by" in props:
        _list_agencies(props["by"], [COORDINATOR, *distinct_labels(catalogue.agencies)])
    if "receiver" in props:
        _list_agencies(props["receiver"], distinct_labels(catalogue.receivers))


def _offer_steps(props: dict[str, Any], catalogue: Catalogue, applies: StepFilter) -> bool:
    """Every tracked step when they fit one list; else each plan step once, and its leads."""
    labels = catalogue.step_labels(applies, limit=MAX_CHOICES)
    if len(labels) <= MAX_CHOICES:
        del props["lead"]  # each label names its lead already
        return _list_steps(props["step"], labels, STEP_DESCRIPTION)
    _list_agencies(props["lead"], distinct_labels(catalogue.leads))
    # Prefect's form fills a field with its default, and "" is no choice of the list: the
    # run's own default ("") applies when the coordinator leaves the field empty.
    props["lead"].pop("default", None)
    return _list_steps(props["step"], catalogue.group_labels(applies), GROUP_DESCRIPTION)


def _list_steps(prop: dict[str, Any], labels: list[str], description: str) -> bool:
    if not labels or len(labels) > MAX_CHOICES:
        prop["description"] = NO_STEP_LIST["many" if labels else "none"]
        prop.pop("examples", None)
        return False
    prop.pop("examples", None)
    prop.update(title="Bước", enum=labels, description=description)
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


def lists_fit(catalogue: Catalogue) -> bool:
    """Whether every list of every form holds the catalogue's choices (its steps, or its
    plan steps and their agencies; the agencies, receivers and events)."""
    sizes = (
        len(distinct_labels(catalogue.agencies)) + 1,  # and the coordinator's choice
        len(distinct_labels(catalogue.receivers)),
        len(distinct_labels(catalogue.events)),
    )
    return max(sizes) <= MAX_CHOICES and all(
        _steps_fit(catalogue, applies) for applies in STEPS_OF.values()
    )


def _steps_fit(catalogue: Catalogue, applies: StepFilter) -> bool:
    if len(catalogue.step_labels(applies, limit=MAX_CHOICES)) <= MAX_CHOICES:
        return True
    groups = catalogue.group_labels(applies)
    return len(groups) <= MAX_CHOICES and len(distinct_labels(catalogue.leads)) <= MAX_CHOICES
