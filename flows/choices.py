"""The choice lists of the coordinator's forms: each step, agency and event as a person reads it.

Prefect renders a text field whose JSON schema has an `enum` as a drop-down list, so the
forms registered by `kehoach serve` offer "IV.1 · Cử đại diện … — Sở Nội vụ" instead of a
box where `IV.1.delegates@SNV` must be typed from memory. The labels are built from the
loaded plans (the plan's own numbering, titles and agency names) by the same function when
the form is registered and when it is run, so a chosen label maps back to its step key.

Labels are unique: a label that would repeat (two steps with the same title and lead)
gets " (2)", " (3)"… in plan order. With several plans loaded, each step and event label
starts with the plan's short name, so the label alone says which plan it belongs to.

A plan whose steps are fanned out over the communes has far more tracked steps than a
list can hold (one plan step over 100 communes is 100 keys). Each plan step is therefore
also a *group*: one label without the lead ("IV.2 · Xây dựng chương trình…"), and the
agencies that carry it out. A form too long for one list of every tracked step lists the
groups, beside a list of agencies, and the pair (group, agency) is resolved to the
fanned-out key; a pair that does not exist is refused in Vietnamese.

Only the columns the labels and the forms' filters need are read (`StepFacts`), in one
query for every open plan: the lists are rebuilt at each refresh of `serve` and of a pool.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from typing import NamedTuple, TypeVar

from pydantic import BaseModel
from sqlalchemy import Text, select, type_coerce
from sqlalchemy.orm import Session

from kehoach.collector import collector_paused
from kehoach.errors import UserError
from kehoach.services.lookup import plan_of
from kehoach.store.tables import PlanRow, StepRow
from models.plan import Agency, Plan
from models.recurrence import occurrence_label, period_words

# Beyond this many entries a drop-down list is no help (and Prefect stores the schema with
# every deployment): the field then takes the step's code, as the CLI does.
MAX_CHOICES = 1000
TITLE_LENGTH = 90
PLAN_NAME_LENGTH = 40
# The choice that leaves an optional agency field empty: the coordinator records it.
COORDINATOR = "Cơ quan điều phối của kế hoạch"


class StepFacts(NamedTuple):
    """What the lists need of one tracked step (a row of `steps`, without the rest)."""

    plan_id: str
    key: str
    responsibility_id: str
    title: str
    lead: str
    ongoing: str | None
    receivers: str  # the codes as stored, space-separated (split only where needed)
    via: str | None
    conditional: bool
    deliverable: str | None


# The receivers as their stored text: CodeList's per-value conversion cost more than the
# whole rest of the read (measured in benchmarks/form_lists_bench.py).
FACT_COLUMNS = [
    type_coerce(StepRow.receivers, Text) if name == "receivers" else getattr(StepRow, name)
    for name in StepFacts._fields
]
StepFilter = Callable[[StepFacts], bool]
F = TypeVar("F", bound=BaseModel)


@dataclass(frozen=True)
class Choice:
    label: str
    plan_id: str
    value: str  # a step key, an agency code, an event id or a plan id


@dataclass
class Catalogue:
    """Every choice the forms offer, for the plans open (not closed) when it was read."""

    plans: list[Choice] = field(default_factory=list)
    agencies: list[Choice] = field(default_factory=list)
    receivers: list[Choice] = field(default_factory=list)
    events: list[Choice] = field(default_factory=list)
    steps: list[tuple[Choice, StepFacts]] = field(default_factory=list)
    # Plan steps (value: the key without "@agency") and who carries each out.
    groups: list[tuple[Choice, list[StepFacts]]] = field(default_factory=list)
    leads: list[Choice] = field(default_factory=list)

    def step_labels(self, applies: StepFilter, limit: int | None = None) -> list[str]:
        """The labels of the steps `applies` keeps; past `limit`, one more and no further
        (enough to tell that a list would be too long, without filtering 500k steps)."""
        labels = (choice.label for choice, row in self.steps if applies(row))
        return list(labels if limit is None else islice(labels, limit + 1))

    def group_labels(self, applies: StepFilter) -> list[str]:
        return [choice.label for choice, rows in self.groups if any(map(applies, rows))]

    def step(self, text: str) -> Choice | None:
        return next((c for c, _ in self.steps if c.label == text), None)

    def group(self, text: str) -> tuple[Choice, list[StepFacts]] | None:
        return next((g for g in self.groups if g[0].label == text), None)

    def event(self, text: str) -> Choice | None:
        return _find(self.events, text)

    def plan(self, text: str) -> Choice | None:
        return _find(self.plans, text)

    def agency(self, text: str, plan_id: str | None) -> Choice | None:
        return _find(self.agencies + self.receivers, text, plan_id)


def _find(choices: Iterable[Choice], text: str, plan_id: str | None = None) -> Choice | None:
    return next(
        (c for c in choices if c.label == text and plan_id in (None, c.plan_id)),
        None,
    )


def open_plans(
    session: Session, plan_ids: Collection[str] | None = None
) -> list[tuple[PlanRow, Plan]]:
    """The open plans, or those of `plan_ids` that are open."""
    query = select(PlanRow).where(PlanRow.closed_at.is_(None)).order_by(PlanRow.id)
    if plan_ids is not None:
        query = query.where(PlanRow.id.in_(plan_ids))
    return [(row, plan_of(session, row)[0]) for row in session.scalars(query)]


def plan_versions(session: Session) -> frozenset[tuple[str, str]]:
    """What the lists depend on: which plans are open, and which version of each file."""
    query = select(PlanRow.id, PlanRow.source_sha256).where(PlanRow.closed_at.is_(None))
    return frozenset((plan_id, digest) for plan_id, digest in session.execute(query))


def read_catalogue(
    session: Session, *, with_steps: bool = True, plan_ids: Collection[str] | None = None
) -> Catalogue:
    """The choices of every open plan (or of the open ones of `plan_ids`: a plan's own
    forms); `with_steps=False` skips the (large) step list."""
    plans = open_plans(session, plan_ids)
    prefixes = _plan_prefixes([plan for _, plan in plans])
    catalogue = Catalogue()
    with collector_paused():  # tens of thousands of small objects, no cycle among them
        steps = step_facts(session, [row.id for row, _ in plans]) if with_steps else None
        _fill(catalogue, plans, prefixes, steps)
    catalogue.plans, catalogue.events = _relabelled(catalogue.plans), _relabelled(catalogue.events)
    return catalogue


def _fill(
    catalogue: Catalogue,
    plans: list[tuple[PlanRow, Plan]],
    prefixes: Iterator[str],
    steps: dict[str, list[StepFacts]] | None,
) -> None:
    for (row, plan), prefix in zip(plans, prefixes, strict=True):
        catalogue.plans.append(Choice(_plan_name(plan), row.id, row.id))
        catalogue.agencies += agency_choices(plan)
        catalogue.events += [Choice(prefix + e.name, row.id, e.id) for e in plan.events]
        if steps is not None:
            _add_steps(catalogue, plan, steps.get(row.id, []), prefix)


def _add_steps(catalogue: Catalogue, plan: Plan, rows: list[StepFacts], prefix: str) -> None:
    members = grouped(rows)
    catalogue.receivers += receiver_choices(plan, rows)
    catalogue.steps += step_choices(plan, rows, members, prefix)
    catalogue.groups += group_choices(members, prefix)
    catalogue.leads += agency_choices(plan, {row.lead for row in rows})


def step_facts(session: Session, plan_ids: list[str]) -> dict[str, list[StepFacts]]:
    """The open steps of these plans, in plan order, as plain tuples (one query)."""
    query = (
        select(*FACT_COLUMNS)
        .where(StepRow.plan_id.in_(plan_ids), StepRow.archived_at.is_(None))
        .order_by(StepRow.plan_id, StepRow.position, StepRow.id)
    )
    by_plan: dict[str, list[StepFacts]] = {}
    for facts in map(StepFacts._make, session.connection().execute(query).all()):
        by_plan.setdefault(facts.plan_id, []).append(facts)
    return by_plan


Groups = dict[str, list[StepFacts]]  # a plan step's key (no "@agency") -> its instances


def grouped(rows: list[StepFacts]) -> Groups:
    members: Groups = {}
    for row in rows:
        members.setdefault(group_key(row.key), []).append(row)
    return members


def step_choices(
    plan: Plan, rows: list[StepFacts], members: Groups, prefix: str = ""
) -> list[tuple[Choice, StepFacts]]:
    """'IV.1 · Cử đại diện tham dự Hội nghị … — Ủy ban nhân dân huyện Ninh Hải'; an
    occurrence of a report cycle also names its period ('…, kỳ tháng 03/2024 — …').
    Each plan step's words are built once for all its instances (thousands at scale)."""
    names = {a.code: a.name for a in plan.agencies}
    steps = {base: prefix + group_label(same[0]) for base, same in members.items()}
    labels = unique(
        [f"{steps[group_key(row.key)]} — {names.get(row.lead, row.lead)}" for row in rows]
    )
    return [
        (Choice(label, row.plan_id, row.key), row) for label, row in zip(labels, rows, strict=True)
    ]


def group_label(row: StepFacts) -> str:
    """The plan step without its lead: 'IV.2 · Báo cáo định kỳ, kỳ tháng 03/2024'."""
    period = occurrence_label(row.key)
    cycle = f", kỳ {period_words(period)}" if period else ""
    return f"{row.responsibility_id} · {shortened(row.title, TITLE_LENGTH)}{cycle}"


def group_key(key: str) -> str:
    """A fanned-out key's plan step: 'IV.2#2024-03@NINH_HAI' → 'IV.2#2024-03'."""
    return key.partition("@")[0]


def group_choices(members: Groups, prefix: str = "") -> list[tuple[Choice, list[StepFacts]]]:
    """One choice per plan step (its instances together), in plan order."""
    labels = unique([prefix + group_label(same[0]) for same in members.values()])
    return [
        (Choice(label, same[0].plan_id, base), same)
        for label, (base, same) in zip(labels, members.items(), strict=True)
    ]


def agency_label(agency: Agency) -> str:
    """'Sở Kế hoạch và Đầu tư (Sở KH&ĐT)': the full name, and the short one people use."""
    short = agency.short_name
    return f"{agency.name} ({short})" if short and short != agency.name else agency.name


def agency_choices(plan: Plan, codes: Iterable[str] | None = None) -> list[Choice]:
    wanted = set(codes) if codes is not None else None
    agencies = [a for a in plan.agencies if wanted is None or a.code in wanted]
    labels = unique([agency_label(a) for a in agencies])
    return [Choice(label, plan.plan.id, a.code) for label, a in zip(labels, agencies, strict=True)]


def receiver_choices(plan: Plan, rows: list[StepFacts]) -> list[Choice]:
    """The agencies that may confirm a receipt: the receivers, and the offices in between."""
    codes = {c for row in rows for c in [*row.receivers.split(), *([row.via] if row.via else [])]}
    return agency_choices(plan, codes)


def distinct_labels(choices: Iterable[Choice]) -> list[str]:
    """Each label once, in order: one agency in two plans is one entry of the list."""
    return list(dict.fromkeys(c.label for c in choices))


def unique(labels: list[str]) -> list[str]:
    """The labels, those that would repeat numbered " (2)", " (3)"… in order."""
    counts = Counter(labels)
    seen: Counter[str] = Counter()
    result = []
    for label in labels:
        seen[label] += 1
        result.append(label if counts[label] == 1 else f"{label} ({seen[label]})")
    return result


def _relabelled(choices: list[Choice]) -> list[Choice]:
    labels = unique([c.label for c in choices])
    return [Choice(label, c.plan_id, c.value) for label, c in zip(labels, choices, strict=True)]


def shortened(text: str, length: int) -> str:
    """`text` cut at a word boundary to at most `length` characters, with an ellipsis."""
    words = " ".join(text.split())
    if len(words) <= length:
        return words
    return words[: length - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-") + "…"


def _plan_name(plan: Plan) -> str:
    """The plan as the coordinator calls it: its number, or the start of its title."""
    header = plan.plan
    if header.number:
        number = header.number
        return f"Kế hoạch {number if '/' in number else f'{number}/{header.document_type}'}"
    title = shortened(header.title, PLAN_NAME_LENGTH)
    # "Kế hoạch báo cáo…", not "Kế hoạch Kế hoạch báo cáo…"
    return title if title.casefold().startswith("kế hoạch") else f"Kế hoạch {title}"


def _plan_prefixes(plans: list[Plan]) -> Iterator[str]:
    """Nothing with one plan; with several, each label starts with its plan's name."""
    if len(plans) < 2:
        return iter([""] * len(plans))
    return (f"{name}: " for name in unique([_plan_name(p) for p in plans]))


# --- from a chosen label back to what the services take -----------------------------------


def resolved(session: Session, form: F, plan_id: str | None = None) -> F:
    """The form with each chosen label replaced by its key or code; a key typed as such
    (the CLI, a scenario, a test) passes unchanged, and so does an unknown text, which
    the service then refuses with its own message. With `plan_id` (a plan's own form),
    only that plan's choices are read, and the form is that plan's."""
    fields = type(form).model_fields
    values = {name: getattr(form, name) for name in fields}
    scope = [plan_id] if plan_id else None
    with_steps = _needs_steps(session, values)
    catalogue = read_catalogue(session, with_steps=with_steps, plan_ids=scope)
    updates = _step_and_plan(catalogue, values) | ({"plan_id": plan_id} if plan_id else {})
    plan_id = updates.get("plan_id", values.get("plan_id")) or None
    for name in AGENCY_FIELDS & fields.keys():
        updates[name] = _agency_value(catalogue, values[name], plan_id)
    return form.model_copy(update=updates)


AGENCY_FIELDS = {"by", "receiver", "lead"}


def _needs_steps(session: Session, values: dict[str, object]) -> bool:
    """Reading every step's label is only needed when the step is not given by its key."""
    step = values.get("step")
    if not isinstance(step, str) or not step:
        return False
    query = select(StepRow.id).where(StepRow.key == step, StepRow.archived_at.is_(None))
    return session.scalars(query.limit(1)).first() is None


def _step_and_plan(catalogue: Catalogue, values: dict[str, object]) -> dict[str, str]:
    text = values.get("step")
    group = catalogue.group(text) if isinstance(text, str) and text else None
    if group is not None and catalogue.step(str(text)) is None:
        lead = _agency_value(catalogue, str(values.get("lead") or ""), group[0].plan_id)
        return {"step": performed_by(catalogue, group, lead), "plan_id": group[0].plan_id}
    for name, find in (("step", catalogue.step), ("event_id", catalogue.event)):
        text = values.get(name)
        chosen = find(text) if isinstance(text, str) and text else None
        if chosen is not None:
            return {name: chosen.value, "plan_id": chosen.plan_id}
    plan = values.get("plan_id")
    chosen = catalogue.plan(plan) if isinstance(plan, str) and plan else None
    return {"plan_id": chosen.value} if chosen is not None else {}


def _agency_value(catalogue: Catalogue, text: str, plan_id: str | None) -> str:
    if text == COORDINATOR:
        return ""
    chosen = catalogue.agency(text, plan_id)
    return chosen.value if chosen is not None else text


def performed_by(catalogue: Catalogue, group: tuple[Choice, list[StepFacts]], lead: str) -> str:
    """The tracked key of the plan step `group` carried out by `lead` (a code; empty when
    the step has one lead only); refused in Vietnamese when that agency has no such step."""
    chosen, rows = group
    keys = [row.key for row in rows if row.lead == lead or (not lead and len(rows) == 1)]
    if keys:
        return keys[0]
    if not lead:
        raise UserError(
            f"Bước {chosen.label} giao cho {len(rows)} cơ quan: chọn cơ quan ở ô “{LEAD_TITLE}”."
        )
    name = next((c.label for c in catalogue.leads + catalogue.agencies if c.value == lead), lead)
    raise UserError(
        f"{name} không thực hiện bước {chosen.label}; chọn lại bước hoặc cơ quan thực hiện."
    )


LEAD_TITLE = "Cơ quan thực hiện"
