"""Publishing the dashboard's artifacts through the running flow's own API client.

Prefect's `create_*_artifact` functions build a new HTTP client (and TLS context) for
every artifact; a sweep publishes a dozen or more, so kehoach sends them through the
client its flow run already holds (`FlowRunContext.client`), with the same request
(`ArtifactCreate`) those functions send. Outside a flow run they fall back to Prefect's
functions.

Prefect's UI names an artifact by its key (a slug: lowercase letters, digits, dashes);
what a coordinator reads is the description, rendered as Markdown above the artifact, so
every description starts with a bold Vietnamese title. Keyed artifacts are listed on the
Artifacts page at /artifacts/key/<key>: the links between them use that address.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import PurePath
from typing import Any

from prefect.client.schemas.actions import ArtifactCreate
from prefect.context import FlowRunContext

from flows.naming import artifact_key
from models.plan import Plan


def summary_key(plan_id: str) -> str:
    return artifact_key(plan_id, "tong-hop")


def details_key(plan_id: str) -> str:
    return artifact_key(plan_id, "chi-tiet")


# Prefect's keys have no length limit of their own; a link to one must stay readable.
AGENCY_KEY_WIDTH = 80


def agency_scope(plan: Plan) -> str:
    """Where a plan's agency codes are unique: its province directory ("ninh-thuan-2024",
    also when named by a path to the file), or the plan itself when it lists its own."""
    reference = plan.plan.directory
    if reference is None:
        return plan.plan.id
    return PurePath(reference).stem if reference.endswith((".yaml", ".yml")) else reference


def agency_key(scope: str, code: str) -> str:
    """ "co-quan-ninh-thuan-2024-snv": two provinces' directories may both have an SNV."""
    key = artifact_key("co-quan", scope, code)
    if len(key) <= AGENCY_KEY_WIDTH:
        return key
    digest = hashlib.sha256(key.encode()).hexdigest()[:8]
    return f"{key[: AGENCY_KEY_WIDTH - 9].rstrip('-')}-{digest}"


def link(key: str, text: str) -> str:
    return f"[{text}](/artifacts/key/{key})"


def summary_link(plan_id: str) -> str:
    return (
        f"Xem {link(summary_key(plan_id), 'tổng hợp kế hoạch')} · "
        f"{link(details_key(plan_id), 'chi tiết từng bước')}."
    )


def markdown_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A Markdown table's lines. The UI wraps a Markdown table's cells to its width (a
    table artifact's do not wrap: four long columns ran off a 1440 px screen)."""
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    return lines + ["| " + " | ".join(markdown_cell(value) for value in row) + " |" for row in rows]


def _create(kind: str, key: str, description: str, data: Any) -> None:
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        from prefect.artifacts import Artifact

        Artifact(type=kind, key=key, description=description, data=data).create()
        return
    context.client.create_artifact(
        ArtifactCreate(
            type=kind, key=key, description=description, data=data, flow_run_id=context.flow_run.id
        )
    )


def publish_markdown(markdown: str, key: str, description: str) -> None:
    _create("markdown", key, description, markdown)


def publish_progress(percent: float, key: str, description: str) -> None:
    _create("progress", key, description, max(0.0, min(100.0, percent)))


class ChangedOnly:
    """Publishes a keyed artifact only when its content differs from the last one this
    process published under that key to that API: an agency's table changes far less
    often than a sweep runs, and each artifact is a write to Prefect's database."""

    def __init__(self) -> None:
        self._last: dict[tuple[str, str], str] = {}

    def publish_if_changed(
        self, api: str, fingerprint: str, markdown: str, key: str, description: str
    ) -> bool:
        """Publish `markdown` unless `fingerprint` (the content that matters) is unchanged."""
        digest = hashlib.sha256(fingerprint.encode()).hexdigest()
        if self._last.get((api, key)) == digest:
            return False
        publish_markdown(markdown, key, description)
        self._last[(api, key)] = digest
        return True

    def forget(self) -> None:
        self._last.clear()
