"""The Vietnamese label of each agency kind, as a directory or a spreadsheet names it."""

from __future__ import annotations

from models.plan import AgencyKind

KIND_LABELS = {
    AgencyKind.LEADERSHIP: "Lãnh đạo tỉnh",
    AgencyKind.OFFICE: "Văn phòng",
    AgencyKind.DEPARTMENT: "Sở, ngành",
    AgencyKind.BOARD: "Ban",
    AgencyKind.MASS_ORGANISATION: "Tổ chức chính trị - xã hội",
    AgencyKind.DISTRICT: "Cấp huyện",
    AgencyKind.COMMUNE: "Cấp xã",
    AgencyKind.PRESS: "Cơ quan báo chí",
    AgencyKind.OTHER: "Khác",
}
