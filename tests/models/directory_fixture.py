"""A small province directory with a hierarchy, a merger and a 'cùng cấp' group, and a plan
over it: shared by the core tests of the directory, fan-out and escalation.

Before 01/07/2025: province departments; two districts (H1, H2); communes X1, X2 under H1
and X3 under H2; each commune's Mặt trận (MT_X1, …) in the commune's area. Sở Lao động –
Thương binh và Xã hội ended on 28/02/2025, merged into Sở Nội vụ (successor SNV); a new
Sở Dân tộc và Tôn giáo exists from 01/03/2025 only.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from models.directory import Directory, Merged, merge_agencies
from models.plan import Plan


def _agency(code: str, name: str, kind: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "name": name, "kind": kind, **fields}


DIRECTORY: dict[str, Any] = {
    "directory": {"id": "tinh-thu-2025", "name": "Danh bạ tỉnh thử"},
    "groups": [
        {"code": "so", "name": "Các sở"},
        {"code": "huyen", "name": "Ủy ban nhân dân các huyện"},
        {"code": "xa", "name": "Ủy ban nhân dân các xã"},
        {"code": "mttq_xa", "name": "Ủy ban Mặt trận Tổ quốc Việt Nam các xã"},
        {"code": "rong", "name": "Nhóm chưa có cơ quan"},
    ],
    "agencies": [
        _agency("UBND", "Ủy ban nhân dân tỉnh", "leadership"),
        _agency("SNV", "Sở Nội vụ", "department", groups=["so"]),
        _agency(
            "SLDTBXH",
            "Sở Lao động – Thương binh và Xã hội",
            "department",
            groups=["so"],
            valid_to="2025-02-28",
            successor="SNV",
        ),
        _agency(
            "SDTTG", "Sở Dân tộc và Tôn giáo", "department", groups=["so"], valid_from="2025-03-01"
        ),
        _agency("H1", "Ủy ban nhân dân huyện Một", "district", groups=["huyen"]),
        _agency("H2", "Ủy ban nhân dân huyện Hai", "district", groups=["huyen"]),
        _agency("X1", "Ủy ban nhân dân xã Một", "commune", groups=["xa"], parent="H1"),
        _agency("X2", "Ủy ban nhân dân xã Hai", "commune", groups=["xa"], parent="H1"),
        _agency("X3", "Ủy ban nhân dân xã Ba", "commune", groups=["xa"], parent="H2"),
        _agency("MT_X1", "Mặt trận xã Một", "mass_organisation", groups=["mttq_xa"], area="X1"),
        _agency("MT_X2", "Mặt trận xã Hai", "mass_organisation", groups=["mttq_xa"], area="X2"),
    ],
}

EVENT_DAY = dt.date(2024, 11, 20)  # a Wednesday

PLAN: dict[str, Any] = {
    "plan": {
        "id": "kh-danh-ba",
        "title": "Kế hoạch thử dùng danh bạ",
        "issuer": "Ủy ban nhân dân tỉnh",
        "issued": {"year": 2024, "month": 10, "day": 1},
        "coordinator": "SNV",
        "directory": "tinh-thu-2025",
    },
    "event": {
        "name": "Hội nghị tổng kết",
        "tentative_month": None,
        "assumed_date": EVENT_DAY.isoformat(),
    },
    "difficulty_route": {"receivers": ["SNV"]},
    "responsibilities": [
        {
            "id": "I",
            "title": "Các huyện, xã",
            "responsible": ["huyen", "xa"],
            "steps": [
                {
                    "id": "I.1",
                    "title": "Hướng dẫn các xã",
                    "fan_out": ["huyen"],
                    "deadline": {"before_event": 10},
                },
                {
                    "id": "I.2",
                    "title": "Báo cáo kết quả của xã",
                    "fan_out": ["huyen"],
                    "fan_out_children": True,
                    "cooperating_same_area": ["mttq_xa"],
                    "depends_on": ["I.1"],
                    "deadline": {"before_event": 5},
                },
            ],
        }
    ],
}


def directory() -> Directory:
    return Directory.model_validate(DIRECTORY)


def plan_document() -> dict[str, Any]:
    return copy.deepcopy(PLAN)


def merged(document: dict[str, Any], day: dt.date | None = None) -> Merged:
    """The document's agencies and groups with the directory merged in (in place)."""
    issued = document["plan"]["issued"]
    on = day or dt.date(issued["year"], issued["month"], issued["day"])
    result = merge_agencies(
        directory(), document.get("agencies", []), document.get("groups", []), on
    )
    document["agencies"], document["groups"] = result.agencies, result.groups
    return result


def plan(document: dict[str, Any] | None = None) -> Plan:
    document = document or plan_document()
    merged(document)
    return Plan.model_validate(document)
