"""What a report document says, as tables of Vietnamese text and numbers (pure: no Flask, no
database). The .xlsx, the PDF and the CSV are all printed from the same `ReportDocument`, so they
say the same thing.

Reports are official Vietnamese documents: they are always in Vietnamese, whatever language the
person reads the site in. The plan's sections, in its order: 1) the targets (goal, actual, met, by
commune), 2) activities (the clubs' meetings, trainings and workshops; the marketplace's own
activity), 3) trade promotion (fairs and their leads), 4) difficulties and proposals (who handles
each, its status and answer, overdue ones marked), and an annex of the records behind each target.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from marketplace.reports.figures import ReportFigures

PLAN_NAME = "phát triển mô hình Hội quán nông dân"
TITLE = "Báo cáo kết quả thực hiện Kế hoạch " + PLAN_NAME

TARGET_LABELS = {
    "cooperatives_from_clubs": "Hợp tác xã thành lập từ Hội quán",
    "growing_area_codes": "Mã số vùng trồng của Hội quán liên kết HTX trái cây",
    "traceable_chains": "Chuỗi liên kết có mã số và truy xuất nguồn gốc",
    "tourism_clubs": "Hội quán có du lịch nông thôn",
    "ocop_products": "Sản phẩm OCOP của Hội quán, HTX",
}
ACTIVITY_LABELS = {
    "listings": "Tin chào bán mới",
    "requests": "Nhu cầu mua mới",
    "matches": "Kết nối cung – cầu",
    "conversations": "Cuộc trao đổi giữa người mua và người bán",
    "orders": "Đơn hàng",
    "order_value_vnd": "Giá trị đơn hàng (đồng)",
    "fair_leads": "Đầu mối giao thương từ hội chợ",
}
EVENT_KINDS = {"meeting": "Sinh hoạt định kỳ", "training": "Tập huấn", "workshop": "Hội thảo"}
CONCERN_KINDS = {"difficulty": "Khó khăn", "proposal": "Kiến nghị"}
CONCERN_STATUSES = {"open": "Mới nêu", "assigned": "Đang xử lý", "answered": "Đã trả lời", "closed": "Đã đóng"}
RECORD_KINDS = {
    "organization": "Tổ chức", "cooperative": "Hợp tác xã", "planting_code": "Mã số vùng trồng",
    "chain": "Chuỗi liên kết", "certificate": "Chứng nhận", "tourism_offer": "Du lịch nông thôn",
    "ocop": "OCOP",
}
MET, NOT_MET = "Đạt", "Chưa đạt"
OVERDUE = "Quá hạn"


def vn_day(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else ""


def period_label(key: str) -> str:
    """"2026-H1" → "6 tháng đầu năm 2026", "2026-H2" → "6 tháng cuối năm 2026", "2026" → "năm 2026"."""
    year, _, half = key.partition("-")
    if half.upper() == "H1":
        return f"6 tháng đầu năm {year}"
    if half.upper() == "H2":
        return f"6 tháng cuối năm {year}"
    return f"năm {year}"


def target_label(key: str) -> str:
    return TARGET_LABELS.get(key, key)


def detail_note(key: str, detail: dict[str, int]) -> str:
    """A target's breakdown in words: OCOP by stars and those expiring soon."""
    parts = [f"{detail[s]} sản phẩm {s} sao" for s in ("3", "4", "5") if detail.get(s)]
    if detail.get("expiring"):
        parts.append(f"{detail['expiring']} sắp hết hạn trong 6 tháng")
    parts += [f"{name}: {value}" for name, value in sorted(detail.items())
              if name not in ("3", "4", "5", "expiring")]
    return "; ".join(parts)


@dataclass
class Table:
    """One table: a sheet of the .xlsx, a table of the PDF. `numeric` columns hold numbers (ints)
    that the .xlsx keeps as numbers; `totals` is the closing row (None: no totals)."""

    sheet: str
    heading: str
    columns: list[str]
    rows: list[list]
    widths: list[int]  # characters, for the .xlsx (the PDF shares them out in proportion)
    totals: list | None = None
    numeric: set[int] = field(default_factory=set)
    empty: str = "Không có."


@dataclass
class ReportDocument:
    title: str
    period: str  # "6 tháng đầu năm 2026"
    unit_name: str
    as_of_line: str  # "Số liệu đến ngày 10/05/2026"
    filed_line: str  # "Đã nộp ngày 12/05/2026" or ""
    note: str
    summary: Table
    sections: list[tuple[str, list[Table]]]  # (section heading, its tables)

    @property
    def heading(self) -> str:
        return f"{self.title} {self.period}"

    def tables(self) -> list[Table]:
        return [self.summary] + [t for _, tables in self.sections for t in tables]


def build(figures: ReportFigures, *, commune_names: dict[str, str] | None = None,
          filed_on: date | None = None, note: str = "", site_url: str = "") -> ReportDocument:
    """The document for these figures; `commune_names` {code: "Xã Mỹ Xương"} names the communes
    (codes stand in for any missing); `filed_on` for a filed report; `site_url` goes before the
    records' paths ("https://chohoiquan.vn" + "/orgs/7"), so the printed addresses open anywhere."""
    names = commune_names or {}

    def commune(code: str | None) -> str:
        return names.get(code or "", code or "")

    targets = _targets(figures)
    by_commune = _by_commune(figures, commune)
    events = _events(figures, commune)
    market = _market_activity(figures)
    fairs = _fairs(figures)
    concerns = _concerns(figures, commune)
    records = _records(figures, commune, site_url.rstrip("/"))
    summary = _summary(figures, filed_on)
    return ReportDocument(
        title=TITLE, period=period_label(figures.period), unit_name=figures.unit_name,
        as_of_line=f"Số liệu đến ngày {vn_day(figures.as_of)}",
        filed_line=f"Đã nộp ngày {vn_day(filed_on)}" if filed_on else "", note=note, summary=summary,
        sections=[
            ("1. Kết quả thực hiện các chỉ tiêu", [targets, by_commune]),
            ("2. Hoạt động", [events, market]),
            ("3. Xúc tiến thương mại", [fairs]),
            ("4. Khó khăn, kiến nghị và kết quả giải quyết", [concerns]),
            ("Phụ lục: Hồ sơ minh chứng cho từng chỉ tiêu", [records]),
        ],
    )


def _summary(figures: ReportFigures, filed_on: date | None) -> Table:
    """The facts of the report, then each target (actual and goal as numbers) and the counts."""
    met = sum(1 for t in figures.targets if t.met)
    overdue = sum(1 for c in figures.concerns if c.overdue)
    rows: list[list] = [
        ["Đơn vị", figures.unit_name, ""],
        ["Kỳ báo cáo", period_label(figures.period), ""],
        ["Số liệu đến ngày", vn_day(figures.as_of), ""],
        ["Tình trạng", f"Đã nộp ngày {vn_day(filed_on)}" if filed_on else "Chưa nộp (số liệu tính lại khi tải)", ""],
        ["Số chỉ tiêu đạt", met, len(figures.targets)],
    ]
    rows += [[target_label(t.key), t.actual, t.goal] for t in figures.targets]
    rows += [
        ["Buổi sinh hoạt, tập huấn, hội thảo của Hội quán", len(figures.club_events), None],
        ["Hội chợ, sự kiện xúc tiến thương mại", len(figures.fairs), None],
        ["Khó khăn, kiến nghị", len(figures.concerns), None],
        ["Trong đó quá hạn chưa giải quyết", overdue, None],
    ]
    return Table("Tổng hợp", "Tổng hợp", ["Nội dung", "Kết quả", "Mục tiêu"], rows, [52, 36, 12],
                 numeric={1, 2})


def _targets(figures: ReportFigures) -> Table:
    rows = [[n, target_label(t.key), t.goal, t.actual, MET if t.met else NOT_MET, detail_note(t.key, t.detail)]
            for n, t in enumerate(figures.targets, 1)]
    met = sum(1 for t in figures.targets if t.met)
    return Table("Chỉ tiêu", "Các chỉ tiêu của Kế hoạch",
                 ["STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá", "Ghi chú"], rows,
                 [6, 52, 11, 11, 12, 40], totals=["", "Số chỉ tiêu đạt", "", met, f"{met}/{len(rows)}", ""],
                 numeric={0, 2, 3})


def _by_commune(figures: ReportFigures, commune) -> Table:
    codes = sorted({code for t in figures.targets for code in t.by_commune}, key=lambda c: (commune(c), c))
    rows = [[commune(code), code] + [t.by_commune.get(code, 0) for t in figures.targets] for code in codes]
    totals = ["Tổng cộng", ""] + [sum(t.by_commune.values()) for t in figures.targets]
    return Table("Theo xã", "Chỉ tiêu theo xã", ["Xã, phường", "Mã"] + [target_label(t.key) for t in figures.targets],
                 rows, [28, 8] + [18] * len(figures.targets), totals=totals,
                 numeric=set(range(2, 2 + len(figures.targets))))


def _events(figures: ReportFigures, commune) -> Table:
    events = sorted(figures.club_events, key=lambda e: (e.held_on, e.organization))
    rows = [[vn_day(e.held_on), e.organization, commune(e.commune_code), EVENT_KINDS.get(e.kind, e.kind), e.topic,
             e.attendees, e.experts] for e in events]
    totals = [f"{len(rows)} buổi", "", "", "", "", sum(e.attendees or 0 for e in events), ""]
    return Table("Hoạt động", "Sinh hoạt, tập huấn, hội thảo của Hội quán",
                 ["Ngày", "Hội quán", "Xã, phường", "Hình thức", "Chủ đề", "Số người dự", "Chuyên gia mời"],
                 rows, [14, 30, 20, 18, 40, 12, 28], totals=totals, numeric={5})


def _market_activity(figures: ReportFigures) -> Table:
    rows = [[ACTIVITY_LABELS.get(a.key, a.key), a.value] for a in figures.activity]
    return Table("Hoạt động trên sàn", "Hoạt động trên sàn Chợ Hội Quán", ["Chỉ số", "Số liệu"], rows, [44, 18],
                 numeric={1})


def _fairs(figures: ReportFigures) -> Table:
    fairs = sorted(figures.fairs, key=lambda f: (f.starts_on, f.name))
    rows = [[f.name, vn_day(f.starts_on), f.exhibitors, f.leads] for f in fairs]
    totals = [f"{len(rows)} hội chợ", "", sum(f.exhibitors for f in fairs), sum(f.leads for f in fairs)]
    return Table("Xúc tiến thương mại", "Hội chợ, sự kiện xúc tiến thương mại",
                 ["Hội chợ, sự kiện", "Ngày bắt đầu", "Đơn vị tham gia", "Đầu mối giao thương"], rows,
                 [44, 14, 16, 18], totals=totals, numeric={2, 3})


def _concerns(figures: ReportFigures, commune) -> Table:
    concerns = sorted(figures.concerns, key=lambda c: (not c.overdue, c.raised_on, c.organization))
    rows = [[c.organization, commune(c.commune_code), CONCERN_KINDS.get(c.kind, c.kind), vn_day(c.raised_on), c.title,
             c.handler, CONCERN_STATUSES.get(c.status, c.status), vn_day(c.due_on), c.answer, vn_day(c.answered_on),
             OVERDUE if c.overdue else ""] for c in concerns]
    overdue = sum(1 for c in concerns if c.overdue)
    totals = [f"{len(rows)} khó khăn, kiến nghị"] + [""] * 9 + [f"{overdue} quá hạn"]
    return Table("Khó khăn kiến nghị", "Khó khăn, kiến nghị của Hội quán",
                 ["Hội quán", "Xã, phường", "Loại", "Ngày nêu", "Nội dung", "Đơn vị xử lý", "Tình trạng",
                  "Hạn xử lý", "Trả lời", "Ngày trả lời", "Quá hạn"], rows,
                 [24, 16, 10, 17, 36, 22, 13, 17, 36, 17, 11], totals=totals)


def _records(figures: ReportFigures, commune, site_url: str) -> Table:
    rows = [[target_label(t.key), RECORD_KINDS.get(r.kind, r.kind), r.label, commune(r.commune_code), r.note,
             site_url + r.url if r.url else ""]
            for t in figures.targets for r in t.records]
    return Table("Hồ sơ", "Hồ sơ minh chứng", ["Chỉ tiêu", "Loại", "Hồ sơ", "Xã, phường", "Ghi chú", "Đường dẫn"],
                 rows, [40, 18, 40, 20, 28, 36], totals=[f"{len(rows)} hồ sơ", "", "", "", "", ""])
