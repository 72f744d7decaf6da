"""Report figures made by hand for the tests of the report documents, the filing, the page and
the command: they never depend on the counting (reports.compute)."""

from __future__ import annotations

from datetime import date, timedelta

from marketplace.reports.figures import (
    Activity,
    ClubEvent,
    Concern,
    FairLine,
    Record,
    ReportFigures,
    Target,
)

COMMUNES = {"30112": "Xã Mỹ Hiệp", "30244": "Xã Phú Hựu"}


def sample_figures(*, period: str = "2026-H1", as_of: date = date(2026, 5, 10), unit_code: str = "82",
                   unit_name: str = "Tỉnh Đồng Tháp", cooperatives: int = 2) -> ReportFigures:
    """The issue's story: 2 cooperatives from clubs, 11 of 8 growing-area codes, 1 chain 100 %
    traceable, 3 tourism clubs, 14 OCOP products (2 expiring); two clubs' events and concerns."""
    codes = [Record("planting_code", 100 + n, f"VN-DTMS-{n:04d}", f"/credentials/{100 + n}",
                    "30112" if n < 7 else "30244") for n in range(11)]
    return ReportFigures(
        unit_code=unit_code, unit_name=unit_name, period=period, as_of=as_of,
        targets=[
            Target("cooperatives_from_clubs", 1, cooperatives, {"30112": 1, "30244": cooperatives - 1},
                   [Record("organization", 7, "HTX Xoài Mỹ Hiệp", "/orgs/7", "30112",
                           "từ Hội quán Xoài Mỹ Hiệp")]),
            Target("growing_area_codes", 8, 11, {"30112": 7, "30244": 4}, codes),
            Target("traceable_chains", 1, 1, {"30112": 1},
                   [Record("chain", 3, "Chuỗi xoài cát Chu – Co.opmart", "/chains/3", "30112", "100 % truy xuất")]),
            Target("tourism_clubs", 1, 3, {"30112": 2, "30244": 1}),
            Target("ocop_products", None, 14, {"30112": 9, "30244": 5}, [],
                   {"3": 9, "4": 4, "5": 1, "expiring": 2}),
        ],
        activity=[Activity("listings", 42, {"30112": 30, "30244": 12}), Activity("requests", 9),
                  Activity("matches", 17), Activity("conversations", 23), Activity("orders", 6),
                  Activity("order_value_vnd", 152_500_000), Activity("fair_leads", 5)],
        club_events=[
            ClubEvent(1, "Hội quán Xoài Mỹ Hiệp", "30112", "meeting", as_of - timedelta(days=20),
                      "Tưới nước tiết kiệm mùa khô", 35, ""),
            ClubEvent(2, "Hội quán Phú Hựu", "30244", "training", as_of - timedelta(days=40),
                      "Ghi nhật ký VietGAP", 28, "TS. Nguyễn Văn Bảy"),
        ],
        concerns=[
            Concern(1, "Hội quán Xoài Mỹ Hiệp", "30112", "difficulty", as_of - timedelta(days=60),
                    "Thiếu kho lạnh sau thu hoạch", "assigned", "Sở Nông nghiệp và Môi trường",
                    as_of - timedelta(days=5), "", None, True),
            Concern(2, "Hội quán Phú Hựu", "30244", "proposal", as_of - timedelta(days=30),
                    "=Vay vốn ưu đãi cho thành viên", "answered", "Ngân hàng Chính sách xã hội",
                    None, "Đã hướng dẫn hồ sơ vay", as_of - timedelta(days=10), False),
        ],
        fairs=[FairLine(4, "Hội chợ Xoài Đồng Tháp", as_of - timedelta(days=25), 12, 5)],
    )
