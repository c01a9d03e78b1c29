"""The plan spreadsheet's layout: sheet names, column headers and drop-down values.

One layout for the empty template (`kehoach mau`), the import (`kehoach nhap`) and the
review sheet drafted from a plan document, so a coordinator corrects a draft in exactly the
form they would have filled by hand. Headers are the columns every official knows from the
assignment tables of Section IV ("Tổ chức thực hiện").
"""

from __future__ import annotations

from enum import StrEnum

from models.agency_kinds import KIND_LABELS

SHEET_PLAN = "Kế hoạch"
SHEET_EVENTS = "Sự kiện"
SHEET_AGENCIES = "Cơ quan"
SHEET_TASKS = "Nhiệm vụ"
# Hidden sheet holding the drop-down lists (agencies of the directory, deadline forms).
SHEET_LISTS = "Danh mục"


class TaskColumn(StrEnum):
    """Columns of the assignment sheet, in order."""

    NUMBER = "STT"
    CONTENT = "Nội dung công việc"
    LEAD = "Cơ quan chủ trì"
    COOPERATING = "Cơ quan phối hợp"
    DEADLINE_FORM = "Hình thức thời hạn"
    DEADLINE = "Thời gian hoàn thành"
    DELIVERABLE = "Sản phẩm"
    RECEIVER = "Nơi nhận sản phẩm"
    NOTE = "Ghi chú"
    # Only in a review sheet drafted from a document: where each row came from.
    SOURCE = "Câu trích từ văn bản"
    CONFIDENCE = "Độ tin cậy"


TASK_COLUMNS = tuple(TaskColumn)
# The columns of a template a coordinator fills by hand (the review columns come last).
TEMPLATE_TASK_COLUMNS = TASK_COLUMNS[:-2]


class DeadlineForm(StrEnum):
    """How the plan words a deadline: the values of the deadline-form drop-down.

    Each maps to one form of the plan schema's `deadline` (or `recurrence`/`ongoing`).
    """

    BY_DATE = "Chậm nhất ngày"  # deadline.date, meaning cham_nhat
    BEFORE_DATE = "Trước ngày"  # deadline.date, meaning truoc_ngay
    WITHIN_MONTH = "Trong tháng"  # deadline.date (any day of the month), meaning trong_thang
    WINDOW = "Từ ngày … đến ngày"  # deadline.not_before + deadline.date
    BEFORE_EVENT = "Trước sự kiện (ngày làm việc)"  # before_event, days working
    BEFORE_EVENT_CALENDAR = "Trước sự kiện (ngày lịch)"  # before_event, days calendar
    AFTER_EVENT = "Sau sự kiện (ngày làm việc)"  # after_event, days working
    WEEKLY = "Hằng tuần"  # recurrence every week
    MONTHLY = "Hằng tháng"  # recurrence every month
    QUARTERLY = "Hằng quý"  # recurrence every quarter
    HALF_YEARLY = "6 tháng"  # recurrence every half_year
    YEARLY = "Hằng năm"  # recurrence every year
    ONGOING = "Thường xuyên"  # ongoing duty, periodic check-ins


# Identity sheet: one row per field, label in column A, value in column B.
PLAN_FIELDS = (
    ("Mã kế hoạch", "id"),
    ("Số, ký hiệu", "number"),
    ("Tên kế hoạch", "title"),
    ("Cơ quan ban hành", "issuer"),
    ("Địa danh", "place"),
    ("Ngày ban hành", "issued"),
    ("Cơ quan đầu mối theo dõi", "coordinator"),
    ("Danh bạ cơ quan", "directory"),
    ("Thời gian thực hiện từ ngày", "period_start"),
    ("Thời gian thực hiện đến ngày", "period_end"),
)

EVENT_COLUMNS = (
    "Mã sự kiện",
    "Loại sự kiện",
    "Tên sự kiện",
    "Ngày (dự kiến)",
    "Đến ngày",
    "Giờ bắt đầu",
    "Địa điểm",
    "Đã chốt ngày",
)

AGENCY_COLUMNS = ("Mã", "Tên cơ quan", "Tên viết tắt", "Loại", "Nhóm", "Cơ quan cấp trên")

# Added for the review sheet drafted from a document (kehoach/importing/review.py):
# several agencies in one cell are separated so (agency names are full of commas), and the
# identity sheet lists each legal basis ("Căn cứ …", "Trên cơ sở …") on a row of its own
# after PLAN_FIELDS, labelled so.
LIST_SEPARATOR = "; "
LEGAL_BASIS_LABEL = "Căn cứ"
# The agency-kind drop-down: what a person reads for each kind of the plan schema.
# The agency kinds' labels: one table for the directory, the template and review sheets.
AGENCY_KINDS = {kind.value: label for kind, label in KIND_LABELS.items()}
