"""A small, valid plan document for core tests that need every kind of reference in view.

Four agencies in two groups, one responsibility with four steps: a led step, a step
timed after it, a fanned-out step and a follow-up step after the event. Tests copy it
and break one thing, so each expected problem can be written down exactly.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from models.plan import Plan

EVENT_DAY = dt.date(2024, 5, 20)  # a Monday

_DOCUMENT: dict[str, Any] = {
    "plan": {
        "id": "kh-thu",
        "title": "Kế hoạch tổ chức hội nghị thử",
        "issuer": "Ủy ban nhân dân tỉnh",
        "issued": {"year": 2024, "month": 3},
        "coordinator": "SNV",
        "signer": {"name": "Nguyễn Văn A", "title": "Phó Chủ tịch", "agency": "UBND"},
        "budget": {"source": "Ngân sách tỉnh", "holder": "STC", "estimate_step": "I.1.a"},
    },
    "event": {
        "name": "Hội nghị sơ kết",
        "tentative_month": "2024-05",
        "assumed_date": EVENT_DAY.isoformat(),
        "attendance": {
            "expected_total": 50,
            "by_level": [
                {"level": "Cấp tỉnh", "who": ["Lãnh đạo các sở"], "invited_groups": ["so"]}
            ],
        },
        "agenda": [{"id": "A1", "title": "Báo cáo sơ kết", "delivered_by": ["I.1.a"]}],
    },
    "groups": [{"code": "so", "name": "Các sở"}, {"code": "huyen", "name": "Các huyện"}],
    "agencies": [
        {"code": "UBND", "name": "Ủy ban nhân dân tỉnh", "kind": "leadership"},
        {
            "code": "SNV",
            "name": "Sở Nội vụ",
            "kind": "department",
            "groups": ["so"],
            "escalation_to": "UBND",
        },
        {
            "code": "STC",
            "name": "Sở Tài chính",
            "short_name": "STC",
            "kind": "department",
            "groups": ["so"],
        },
        {
            "code": "PR",
            "name": "Ủy ban nhân dân thành phố Phan Rang",
            "kind": "district",
            "groups": ["huyen"],
        },
    ],
    "difficulty_route": {"receivers": ["SNV"], "escalate_to": ["UBND"]},
    "reminders": {
        "leadership": ["UBND"],
        "ladder": [
            {"from_days_late": 0, "notify": ["lead"]},
            {"from_days_late": 3, "notify": ["lead", "UBND"]},
        ],
    },
    "responsibilities": [
        {
            "id": "I.1",
            "title": "Chuẩn bị hội nghị",
            "responsible": ["SNV", "so"],
            "steps": [
                {
                    "id": "I.1.a",
                    "title": "Dự thảo báo cáo sơ kết",
                    "deliverable": "Dự thảo báo cáo",
                    "lead": "SNV",
                    "cooperating": ["so"],
                    "deadline": {"before_event": 10},
                    "agenda": ["A1"],
                },
                {
                    "id": "I.1.b",
                    "title": "Thẩm định báo cáo",
                    "lead": "STC",
                    "depends_on": ["I.1.a"],
                    "deadline": {"after_step": "I.1.a", "working_days": 3},
                    "reminders": {"ladder": [{"from_days_late": 0, "notify": ["lead", "UBND"]}]},
                },
                {
                    "id": "I.1.c",
                    "title": "Báo cáo của các huyện",
                    "fan_out": ["huyen"],
                    "deadline": {"before_event": 5},
                },
                {
                    "id": "I.1.d",
                    "title": "Đưa tin về hội nghị",
                    "lead": "SNV",
                    "follow_up": True,
                    "deadline": {"after_event": 2},
                },
            ],
        }
    ],
}


def small_document() -> dict[str, Any]:
    """A fresh deep copy: each test may change it freely."""
    return copy.deepcopy(_DOCUMENT)


def small_plan() -> Plan:
    return Plan.model_validate(small_document())


def step_of(document: dict[str, Any], index: int) -> dict[str, Any]:
    step: dict[str, Any] = document["responsibilities"][0]["steps"][index]
    return step
