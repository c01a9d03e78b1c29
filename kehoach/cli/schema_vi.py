"""The plan schema in Vietnamese: titles and descriptions an editor's completion shows.

models/plan.py keeps its English descriptions for developers; this table, keyed by model and
field, replaces them at the schema generation edge (`kehoach schema`). The English text is
kept in the schema as `$comment`, which editors do not show. A test fails when a field of the
plan model has no entry here, so a new field cannot be forgotten.
"""

from __future__ import annotations

from typing import Any

# Model name → (title, description) of the model itself.
MODELS: dict[str, tuple[str, str]] = {
    "Plan": ("Tệp kế hoạch", "Một kế hoạch (KH-UBND) dưới dạng dữ liệu để theo dõi, nhắc việc."),
    "Agency": ("Cơ quan, đơn vị", "Một cơ quan được giao việc hoặc được nhận thông báo."),
    "AgencyContact": (
        "Đầu mối liên hệ",
        "Người cần liên hệ ở cơ quan (địa chỉ, không phải mật khẩu).",
    ),
    "AgencyGroup": ("Nhóm cơ quan", "Ví dụ: các sở, ban, ngành; UBND các huyện."),
    "AgencyKind": (
        "Loại cơ quan",
        "Lãnh đạo, văn phòng, sở, ban, đoàn thể, huyện, xã, báo chí, khác.",
    ),
    "AgendaItem": ("Nội dung chương trình", "Một nội dung của chương trình sự kiện."),
    "Attendance": ("Thành phần tham dự", "Số đại biểu dự kiến và thành phần theo từng cấp."),
    "AttendanceGroup": ("Thành phần một cấp", "Đại biểu của một cấp được mời dự."),
    "BasisRelation": ("Cách dẫn căn cứ", "can_cu: «Căn cứ …»; tren_co_so: «Trên cơ sở …»."),
    "BudgetLine": ("Kinh phí", "Nguồn và mức kinh phí thực hiện kế hoạch."),
    "CalendarBasis": (
        "Văn bản quyết định ngày",
        "Văn bản quyết định một ngày nghỉ hoặc ngày làm bù.",
    ),
    "CompletesOn": (
        "Khi nào là hoàn thành",
        "receipt: khi nơi nhận xác nhận đã nhận; submission: khi cơ quan chủ trì báo đã gửi.",
    ),
    "Contact": ("Người liên hệ", "Người liên hệ của cơ quan điều phối, ghi cuối mỗi thông báo."),
    "Covers": (
        "Kỳ số liệu",
        "nd09: theo Nghị định 09/2019/NĐ-CP, Điều 12; calendar: theo tháng, quý, năm dương lịch; "
        "until_due: kỳ liền trước ngày hạn.",
    ),
    "Cycle": (
        "Chu kỳ",
        "week: hằng tuần; month: hằng tháng; quarter: hằng quý; "
        "half_year: 6 tháng; year: hằng năm.",
    ),
    "DayCount": ("Cách đếm ngày", "working: ngày làm việc; calendar: ngày theo lịch."),
    "DayOffRule": (
        "Hạn rơi vào ngày nghỉ",
        "next_working_day: chuyển sang ngày làm việc kế tiếp (Bộ luật Dân sự 2015, Điều 148 "
        "khoản 5); keep: giữ nguyên ngày (có cảnh báo).",
    ),
    "Deadline": (
        "Thời hạn",
        "Đúng một cách tính: một ngày; N ngày trước/sau sự kiện; hoặc N ngày sau một bước khác.",
    ),
    "DeadlineMeaning": (
        "Nghĩa của ngày hạn",
        "cham_nhat: chậm nhất ngày X (ngày X vẫn trong hạn); truoc_ngay: trước ngày X (ngày cuối "
        "là ngày liền trước); trong_thang: trong tháng của ngày X.",
    ),
    "DeadlineSource": (
        "Nguồn của thời hạn",
        "plan_text: kế hoạch ghi rõ; coordinator: cơ quan điều phối ấn định.",
    ),
    "DeclaredDay": ("Ngày khai báo", "Một ngày nghỉ thêm hoặc ngày làm bù do tỉnh khai báo."),
    "DifficultyRoute": (
        "Nơi nhận vướng mắc",
        "Vướng mắc, khó khăn được gửi về đâu và chuyển cấp ra sao.",
    ),
    "Event": ("Sự kiện", "Hội nghị, lễ hội, đại hội, kỳ thi, ngày bầu cử hoặc một mốc."),
    "EventType": (
        "Loại sự kiện",
        "hoi_nghi: hội nghị; le_hoi: lễ hội; dai_hoi: đại hội; ky_thi: kỳ thi; bau_cu: bầu cử; "
        "moc: một mốc thời gian.",
    ),
    "LadderRung": ("Bậc nhắc việc", "Từ số ngày quá hạn này, nhắc những ai."),
    "LegalBasis": ("Căn cứ", "Một văn bản làm căn cứ của kế hoạch."),
    "OfficeHours": ("Giờ hành chính", "Thông báo chỉ gửi trong khoảng giờ này."),
    "Ongoing": ("Nhiệm vụ thường xuyên", "Không có hạn; báo cáo tiến độ theo từng kỳ."),
    "PartialDate": (
        "Ngày ban hành",
        "Dự thảo có thể để trống ngày (hoặc tháng): «ngày   tháng 3 năm 2024».",
    ),
    "Period": (
        "Thời gian thực hiện",
        "Việc định kỳ lặp trong khoảng này; nhiệm vụ thường xuyên kết thúc cùng nó.",
    ),
    "Person": ("Người nhận đích danh", "«Đồng chí <họ tên>, <chức vụ>»."),
    "PlanCalendar": (
        "Lịch làm việc",
        "Ngày nghỉ, ngày làm bù riêng của tỉnh và cách xử lý hạn rơi vào ngày nghỉ.",
    ),
    "PlanHeader": (
        "Thông tin văn bản",
        "Số, ký hiệu, trích yếu, cơ quan ban hành, ngày ban hành của kế hoạch.",
    ),
    "Recurrence": (
        "Báo cáo định kỳ",
        "Một chu kỳ báo cáo thay cho một hạn: «gửi trước ngày 15 hằng tháng».",
    ),
    "ReminderOverrides": ("Nhắc việc riêng", "Thay đổi cách nhắc việc cho riêng bước này."),
    "ReminderPolicy": ("Cách nhắc việc", "Khi nào nhắc hạn, nhắc quá hạn, chuyển cấp."),
    "Responsibility": ("Nhiệm vụ", "Một nhiệm vụ ở phần Tổ chức thực hiện, chia thành các bước."),
    "Signer": ("Người ký", "Người ký văn bản."),
    "Step": ("Bước công việc", "Một việc có cơ quan chủ trì, thời hạn và sản phẩm."),
    "TrackingRules": (
        "Quy tắc đánh giá",
        "Cách đánh giá đúng hạn, quá hạn; mặc định theo quy định của tỉnh.",
    ),
}

_CODE = "Mã viết liền, không dấu (chữ, số, - và _)."
_AGENCY_CODES = "Mã cơ quan hoặc mã nhóm (một nhóm là tất cả cơ quan trong nhóm)."

# Model name → field → (title, description).
FIELDS: dict[str, dict[str, tuple[str, str]]] = {
    "Plan": {
        "schema_version": ("Phiên bản mẫu tệp", "1 hoặc 2; tệp mới dùng 2."),
        "plan": ("Thông tin văn bản", "Số, trích yếu, cơ quan ban hành, cơ quan điều phối."),
        "calendar": ("Lịch làm việc", "Ngày nghỉ, ngày làm bù riêng của tỉnh."),
        "events": ("Các sự kiện", "Không, một hoặc nhiều sự kiện: hội nghị, lễ hội, ngày bầu cử…"),
        "groups": ("Các nhóm cơ quan", "Ví dụ: các sở, ban, ngành; UBND các huyện."),
        "agencies": ("Các cơ quan", "Mọi cơ quan được giao việc hoặc được nhận thông báo."),
        "difficulty_route": ("Nơi nhận vướng mắc", "Vướng mắc, khó khăn được gửi về đâu."),
        "reminders": ("Cách nhắc việc", "Mặc định theo quy định của tỉnh; chỉ ghi khi cần khác."),
        "tracking": ("Quy tắc đánh giá", "Cách đánh giá đúng hạn khi có gia hạn."),
        "responsibilities": ("Các nhiệm vụ", "Các nhiệm vụ ở phần Tổ chức thực hiện của kế hoạch."),
        "event": ("Sự kiện (mẫu cũ)", "Mẫu tệp 1: sự kiện duy nhất; mẫu 2 dùng «events»."),
    },
    "Agency": {
        "code": ("Mã cơ quan", _CODE),
        "name": ("Tên cơ quan", "Tên đầy đủ, như trong «Kính gửi»."),
        "short_name": ("Tên viết tắt", "Ví dụ: Sở LĐTB&XH."),
        "kind": ("Loại cơ quan", "Sở, ban, đoàn thể, huyện, xã…"),
        "groups": ("Thuộc nhóm", "Mã các nhóm cơ quan mà cơ quan này thuộc về."),
        "escalation_to": (
            "Chuyển cấp đến",
            "Mã cơ quan được báo khi việc của cơ quan này bị chuyển cấp.",
        ),
        "person": ("Người nhận đích danh", "Lãnh đạo được gửi đích danh (Kính gửi: Đồng chí …)."),
        "parent": ("Cơ quan cấp trên", "Cơ quan cấp trên trực tiếp (tỉnh → huyện → xã)."),
        "area": (
            "Thuộc địa bàn",
            "Đơn vị hành chính của cơ quan, để hiểu «cùng cấp» (mặc định: chính nó).",
        ),
        "valid_from": ("Hoạt động từ ngày", "Ngày cơ quan bắt đầu hoạt động."),
        "valid_to": ("Hoạt động đến ngày", "Ngày cuối cùng cơ quan còn hoạt động."),
        "successor": ("Cơ quan kế thừa", "Cơ quan nhận lại công việc (sáp nhập, đổi tên)."),
        "contact": ("Đầu mối liên hệ", "Người nhận thông báo: thư điện tử, Zalo, điện thoại."),
    },
    "AgencyContact": {
        "name": ("Họ và tên", "Họ tên người làm đầu mối."),
        "title": ("Chức vụ", "Chức vụ của người làm đầu mối."),
        "email": ("Thư điện tử", "Địa chỉ thư điện tử nhận thông báo."),
        "zalo": ("Tài khoản Zalo", "Số điện thoại hoặc mã người dùng Zalo nhận thông báo."),
        "phone": ("Điện thoại", "Số điện thoại liên hệ."),
    },
    "AgencyGroup": {
        "code": ("Mã nhóm", _CODE),
        "name": ("Tên nhóm", "Ví dụ: Các sở, ban, ngành tỉnh."),
    },
    "AgendaItem": {
        "id": ("Mã nội dung", _CODE),
        "title": ("Tên nội dung", "Ví dụ: Tham luận của UBND huyện."),
        "delivered_by": ("Do các bước chuẩn bị", "Mã các bước có sản phẩm làm nên nội dung này."),
    },
    "Attendance": {
        "expected_total": ("Tổng số đại biểu", "Số đại biểu dự kiến."),
        "by_level": ("Theo từng cấp", "Thành phần đại biểu của từng cấp."),
    },
    "AttendanceGroup": {
        "level": ("Cấp", "Ví dụ: cấp tỉnh, cấp huyện."),
        "who": ("Thành phần", "Những ai được mời dự."),
        "invited_groups": ("Nhóm được mời", "Mã các nhóm cơ quan được mời."),
        "expected": ("Số đại biểu", "Số đại biểu dự kiến của cấp này."),
    },
    "BudgetLine": {
        "section": ("Mục", "Mục kinh phí trong kế hoạch."),
        "source": ("Nguồn kinh phí", "Ví dụ: ngân sách tỉnh."),
        "holder": ("Đơn vị được giao dự toán", "Cơ quan được giao kinh phí."),
        "decision_number": ("Số quyết định", "Số quyết định giao dự toán."),
        "decision_date": ("Ngày quyết định", "Ngày quyết định giao dự toán."),
        "amount_vnd": ("Số tiền (đồng)", "Số tiền, đơn vị đồng."),
        "estimate_step": ("Bước lập dự toán", "Mã bước lập dự toán kinh phí."),
    },
    "CalendarBasis": {
        "document": ("Văn bản", "Ví dụ: Thông báo số 5015/TB-LĐTBXH."),
        "article": ("Điều, khoản", "Điều, khoản quyết định ngày này."),
        "issued": ("Ngày ban hành", "Ngày ban hành văn bản."),
        "issuer": ("Cơ quan ban hành", "Cơ quan ban hành văn bản."),
    },
    "Contact": {
        "name": ("Họ và tên", "Họ tên người liên hệ."),
        "title": ("Chức vụ", "Chức vụ người liên hệ."),
        "agency": ("Cơ quan", "Mã cơ quan của người liên hệ (mặc định: cơ quan điều phối)."),
        "phone": ("Điện thoại", "Số điện thoại liên hệ."),
        "email": ("Thư điện tử", "Địa chỉ thư điện tử liên hệ."),
    },
    "Deadline": {
        "date": ("Ngày hạn", "Ngày cụ thể (năm-tháng-ngày)."),
        "meaning": (
            "Nghĩa của ngày hạn",
            "chậm nhất ngày (mặc định), trước ngày, hoặc trong tháng.",
        ),
        "not_before": (
            "Không sớm hơn ngày",
            "Đầu khoảng thời gian: việc chưa đến hạn trước ngày này.",
        ),
        "before_event": ("Số ngày trước sự kiện", "Hạn là N ngày trước sự kiện."),
        "after_event": ("Số ngày sau sự kiện", "Hạn là N ngày sau sự kiện."),
        "event": ("Sự kiện", "Mã sự kiện (mặc định: sự kiện duy nhất của kế hoạch)."),
        "days": ("Cách đếm ngày", "Ngày làm việc (mặc định) hoặc ngày theo lịch."),
        "after_step": ("Sau bước", "Mã bước mà hạn tính từ ngày bước đó hoàn thành."),
        "working_days": ("Số ngày làm việc", "Số ngày làm việc sau bước trước."),
        "calendar_days": ("Số ngày theo lịch", "Số ngày theo lịch sau bước trước."),
        "on_day_off": ("Hạn rơi vào ngày nghỉ", "Thay quy tắc chung của lịch cho riêng hạn này."),
        "source": (
            "Nguồn của thời hạn",
            "Kế hoạch ghi rõ, hay cơ quan điều phối ấn định (mặc định).",
        ),
    },
    "DeclaredDay": {
        "day": ("Ngày", "Ngày được khai báo (năm-tháng-ngày)."),
        "name": ("Tên ngày", "Ví dụ: Nghỉ bù Tết Nguyên đán."),
        "basis": ("Căn cứ", "Văn bản quyết định ngày này."),
        "basis_confirmed": (
            "Đã đối chiếu căn cứ",
            "Sai (false) khi chưa đối chiếu được với văn bản.",
        ),
    },
    "DifficultyRoute": {
        "receivers": ("Nơi nhận", "Mã các cơ quan nhận vướng mắc."),
        "escalate_to": (
            "Chuyển cấp đến",
            "Mã cơ quan được báo khi vướng mắc chưa được giải quyết.",
        ),
        "escalate_after": (
            "Chuyển cấp sau (ngày làm việc)",
            "Số ngày làm việc vướng mắc chưa được giải quyết thì báo cơ quan cấp trên.",
        ),
        "escalate_via": ("Thông qua", "Cơ quan chuyển vướng mắc lên cấp trên."),
        "quote": ("Trích kế hoạch", "Nguyên văn câu của kế hoạch."),
    },
    "Event": {
        "id": ("Mã sự kiện", _CODE),
        "kind": ("Loại sự kiện", "Hội nghị (mặc định), lễ hội, đại hội, kỳ thi, bầu cử, một mốc."),
        "name": ("Tên sự kiện", "Ví dụ: Hội nghị sơ kết."),
        "tentative_month": ("Tháng dự kiến", "Năm-tháng, ví dụ 2024-06."),
        "assumed_date": (
            "Ngày tạm tính",
            "Ngày dùng để tính các hạn cho đến khi ngày chính thức được xác nhận.",
        ),
        "confirmed_date": ("Ngày chính thức", "Ngày tổ chức đã được xác nhận."),
        "end_date": ("Ngày kết thúc", "Ngày cuối của sự kiện kéo dài nhiều ngày (lễ hội, kỳ thi)."),
        "start_time": ("Giờ bắt đầu", "Giờ:phút."),
        "venue": ("Địa điểm", "Nơi tổ chức."),
        "organisers": ("Cơ quan tổ chức", "Mã các cơ quan tổ chức: không được mời dự."),
        "attendance": ("Thành phần tham dự", "Số đại biểu và thành phần."),
        "agenda": ("Chương trình", "Các nội dung của chương trình."),
    },
    "LadderRung": {
        "from_days_late": (
            "Từ số ngày quá hạn",
            "Bậc này áp dụng từ số ngày làm việc quá hạn này.",
        ),
        "notify": (
            "Nhắc những ai",
            "Vai trò (lead: chủ trì, cooperating: phối hợp, coordinator: điều phối, leadership: "
            "lãnh đạo, lead_escalation, parent: cấp trên) hoặc mã cơ quan.",
        ),
    },
    "LegalBasis": {
        "relation": ("Cách dẫn", "Căn cứ hay Trên cơ sở."),
        "document": ("Loại văn bản", "Ví dụ: Quyết định, Kế hoạch."),
        "number": ("Số, ký hiệu", "Số, ký hiệu văn bản."),
        "date": ("Ngày ban hành", "Ngày ban hành văn bản."),
        "issuer": ("Cơ quan ban hành", "Cơ quan ban hành văn bản."),
        "summary": ("Trích yếu", "Trích yếu nội dung văn bản."),
    },
    "OfficeHours": {
        "start": ("Từ giờ", "Giờ bắt đầu gửi thông báo."),
        "end": ("Đến giờ", "Giờ ngừng gửi thông báo."),
    },
    "Ongoing": {
        "check_in": ("Kỳ báo cáo tiến độ", "Hằng tuần, hằng tháng (mặc định) hoặc hằng quý."),
    },
    "PartialDate": {
        "year": ("Năm", "Năm ban hành."),
        "month": ("Tháng", "Tháng ban hành (có thể để trống ở dự thảo)."),
        "day": ("Ngày", "Ngày ban hành (có thể để trống ở dự thảo)."),
    },
    "Period": {
        "start": ("Từ ngày", "Ngày bắt đầu thực hiện kế hoạch."),
        "end": ("Đến ngày", "Ngày kết thúc thực hiện kế hoạch."),
    },
    "Person": {
        "name": ("Họ và tên", "Họ tên người nhận."),
        "title": ("Chức vụ", "Chức vụ người nhận."),
    },
    "PlanCalendar": {
        "extra_days_off": ("Ngày nghỉ thêm", "Ngày nghỉ riêng của tỉnh."),
        "extra_working_days": ("Ngày làm bù", "Ngày làm việc bù (thường là thứ Bảy)."),
        "day_off_rule": (
            "Hạn rơi vào ngày nghỉ",
            "Chuyển sang ngày làm việc kế tiếp (Bộ luật Dân sự 2015, Điều 148 khoản 5) hoặc giữ "
            "nguyên ngày (có cảnh báo).",
        ),
    },
    "PlanHeader": {
        "id": ("Mã kế hoạch", _CODE),
        "number": ("Số, ký hiệu", "Ví dụ: 1234/KH-UBND; để trống khi là dự thảo."),
        "document_type": ("Loại văn bản", "Mặc định: KH-UBND."),
        "title": ("Trích yếu", "Trích yếu nội dung kế hoạch."),
        "issuer": ("Cơ quan ban hành", "Ví dụ: UBND tỉnh Ninh Thuận."),
        "place": ("Địa danh", "Địa danh ghi trước ngày ban hành."),
        "issued": ("Ngày ban hành", "Ngày, tháng, năm ban hành."),
        "signer": ("Người ký", "Người ký kế hoạch."),
        "coordinator": ("Cơ quan điều phối", "Mã cơ quan được giao theo dõi, tổng hợp."),
        "legal_bases": ("Căn cứ", "Các văn bản làm căn cứ."),
        "budget": ("Kinh phí", "Nguồn và mức kinh phí."),
        "time_zone": ("Múi giờ", "Mặc định: giờ Việt Nam."),
        "contact": ("Người liên hệ", "Người liên hệ ghi cuối mỗi thông báo."),
        "period": ("Thời gian thực hiện", "Mặc định: năm ban hành."),
        "directory": (
            "Danh mục cơ quan",
            "Mã danh mục cơ quan của tỉnh, hoặc đường dẫn tới tệp danh mục.",
        ),
    },
    "Recurrence": {
        "every": ("Chu kỳ", "Hằng tuần, hằng tháng, hằng quý, 6 tháng, hằng năm."),
        "day": ("Ngày hạn", "Ngày trong tháng (tuần: 1 = Thứ Hai … 7 = Chủ nhật)."),
        "month": (
            "Tháng hạn",
            "Hằng năm: tháng trong năm; hằng quý: 1–3 và 6 tháng: 1–6, tháng trong kỳ (3 = tháng "
            "cuối quý).",
        ),
        "meaning": ("Nghĩa của ngày hạn", "chậm nhất ngày, trước ngày, hoặc trong tháng."),
        "covers": (
            "Kỳ số liệu",
            "Theo Nghị định 09/2019/NĐ-CP, theo lịch, hoặc kỳ liền trước ngày hạn.",
        ),
    },
    "ReminderOverrides": {
        "before_deadline": ("Nhắc trước hạn", "Nhắc trước hạn bao nhiêu ngày làm việc."),
        "overdue_every": ("Nhắc quá hạn mỗi", "Số ngày làm việc giữa hai lần nhắc quá hạn."),
        "stalled_after": ("Không cập nhật sau", "Số ngày làm việc không cập nhật thì nhắc."),
        "blocked_every": ("Nhắc vướng mắc mỗi", "Số ngày làm việc giữa hai lần nhắc vướng mắc."),
        "ladder": ("Các bậc chuyển cấp", "Quá hạn bao nhiêu ngày thì nhắc những ai."),
    },
    "ReminderPolicy": {
        "before_deadline": (
            "Nhắc trước hạn",
            "Nhắc trước hạn bao nhiêu ngày làm việc (mặc định 5, 1, 0).",
        ),
        "due_soon_within": ("Sắp đến hạn trong", "Còn bấy nhiêu ngày làm việc thì là sắp đến hạn."),
        "overdue_every": ("Nhắc quá hạn mỗi", "Số ngày làm việc giữa hai lần nhắc quá hạn."),
        "stalled_after": ("Không cập nhật sau", "Số ngày làm việc không cập nhật thì nhắc."),
        "blocked_every": ("Nhắc vướng mắc mỗi", "Số ngày làm việc giữa hai lần nhắc vướng mắc."),
        "unconfirmed_event_before": (
            "Nhắc xác nhận ngày sự kiện trước",
            "Số ngày làm việc trước ngày tạm tính mà ngày sự kiện chưa được xác nhận thì nhắc.",
        ),
        "difficulty_escalate_after": (
            "Chuyển cấp vướng mắc sau",
            "Số ngày làm việc vướng mắc chưa được giải quyết thì báo cấp trên.",
        ),
        "receipt_reminder_after": (
            "Nhắc xác nhận đã nhận sau",
            "Số ngày làm việc nơi nhận chưa xác nhận đã nhận sản phẩm thì nhắc.",
        ),
        "office_hours": ("Giờ hành chính", "Thông báo chỉ gửi trong giờ này."),
        "leadership": ("Lãnh đạo", "Mã các cơ quan lãnh đạo được báo ở bậc chuyển cấp cuối."),
        "ladder": ("Các bậc chuyển cấp", "Quá hạn bao nhiêu ngày thì nhắc những ai."),
    },
    "Responsibility": {
        "id": ("Mã nhiệm vụ", _CODE),
        "title": ("Tên nhiệm vụ", "Tên nhiệm vụ như trong kế hoạch."),
        "responsible": ("Cơ quan được giao", "Mã cơ quan hoặc nhóm được giao ở mục này."),
        "quote": ("Trích kế hoạch", "Nguyên văn câu của kế hoạch."),
        "steps": ("Các bước", "Các bước công việc của nhiệm vụ."),
    },
    "Signer": {
        "name": ("Họ và tên", "Họ tên người ký."),
        "title": ("Chức vụ", "Chức vụ người ký."),
        "authority": ("Thẩm quyền ký", "Ví dụ: KT. Chủ tịch."),
        "agency": ("Cơ quan", "Cơ quan của người ký."),
    },
    "Step": {
        "id": ("Mã bước", "Mã viết liền, không dấu (chữ, số, dấu chấm, - và _)."),
        "title": ("Tên bước", "Việc cần làm."),
        "deliverable": ("Sản phẩm", "Ví dụ: Báo cáo sơ kết."),
        "lead": ("Cơ quan chủ trì", "Mã cơ quan chủ trì."),
        "fan_out": (
            "Giao cho từng cơ quan trong nhóm",
            "Mã các nhóm: mỗi cơ quan trong nhóm chủ trì một bước riêng.",
        ),
        "cooperating": ("Cơ quan phối hợp", _AGENCY_CODES),
        "depends_on": ("Sau các bước", "Mã các bước phải xong trước."),
        "deadline": ("Thời hạn", "Hạn của bước."),
        "recurrence": ("Báo cáo định kỳ", "Chu kỳ báo cáo thay cho một hạn."),
        "ongoing": ("Nhiệm vụ thường xuyên", "Không có hạn; báo cáo tiến độ theo kỳ."),
        "needs_confirmed_event": (
            "Chờ xác nhận ngày sự kiện",
            "Bước chờ ngày sự kiện được xác nhận (ví dụ: giấy mời).",
        ),
        "follow_up": ("Việc sau sự kiện", "Hạn có thể sau ngày sự kiện."),
        "agenda": ("Nội dung chương trình", "Mã nội dung chương trình mà bước này chuẩn bị."),
        "reminders": ("Nhắc việc riêng", "Thay đổi cách nhắc việc cho riêng bước này."),
        "note": ("Ghi chú", "Ghi chú của cơ quan điều phối."),
        "attendance": (
            "Cử đại biểu dự",
            "Bước cử đại biểu dự sự kiện (cơ quan tổ chức không phải cử).",
        ),
        "receivers": ("Nơi nhận", "Mã các cơ quan nhận sản phẩm và xử lý."),
        "via": (
            "Thông qua",
            "Cơ quan sản phẩm gửi qua («thông qua Sở Nội vụ»); có thể xác nhận đã nhận thay.",
        ),
        "completes_on": (
            "Khi nào là hoàn thành",
            "Khi nơi nhận xác nhận đã nhận, hay khi cơ quan chủ trì báo đã gửi.",
        ),
        "conditional": (
            "Chỉ làm khi cần",
            "«khi cần thiết», «nếu có»: cơ quan chủ trì có thể báo không phát sinh, kèm ghi chú.",
        ),
        "fan_out_children": (
            "Giao cho từng đơn vị trực thuộc",
            "Mỗi đơn vị trực thuộc của từng cơ quan trong nhóm một bước.",
        ),
        "cooperating_same_area": (
            "Phối hợp cùng cấp",
            "Mã các nhóm: mỗi bước phối hợp với các cơ quan trong nhóm cùng địa bàn "
            "với cơ quan chủ trì.",
        ),
    },
    "TrackingRules": {
        "extension_counts_on_time": (
            "Xong trong hạn gia hạn là đúng hạn",
            "Đúng (true): đánh giá theo hạn đã gia hạn; sai (false): theo hạn ban đầu.",
        ),
    },
}


def localize(document: dict[str, Any]) -> dict[str, Any]:
    """Give the root and every definition, and each of their properties, Vietnamese texts."""
    _apply(document, "Plan")
    for name, definition in document.get("$defs", {}).items():
        _apply(definition, name)
    return document


def _apply(definition: dict[str, Any], model: str) -> None:
    _label(definition, *MODELS[model])
    for field, prop in definition.get("properties", {}).items():
        _label(prop, *FIELDS[model][field])


def _label(node: dict[str, Any], title: str, description: str) -> None:
    # The developers' English stays readable in the file; editors do not show `$comment`.
    if "description" in node:
        node["$comment"] = node["description"]
    node["title"] = title
    node["description"] = description
