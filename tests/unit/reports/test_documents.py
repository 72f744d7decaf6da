"""The report documents (xlsx, PDF, CSV) printed from figures made by hand."""

from __future__ import annotations

import csv
import io
from datetime import date

from openpyxl import load_workbook
from pypdf import PdfReader

from marketplace.reports import csv_report, document, pdf_report, xlsx_report
from tests.report_figures import COMMUNES, sample_figures

SHEETS = ["Tổng hợp", "Chỉ tiêu", "Theo xã", "Hoạt động", "Hoạt động trên sàn", "Xúc tiến thương mại",
          "Khó khăn kiến nghị", "Hồ sơ"]


def _doc(**kwargs):
    return document.build(sample_figures(), commune_names=COMMUNES, **kwargs)


def _rows(sheet) -> list[tuple]:
    return [row for row in sheet.iter_rows(values_only=True)]


def test_period_labels():
    assert document.period_label("2026-H1") == "6 tháng đầu năm 2026"
    assert document.period_label("2026-H2") == "6 tháng cuối năm 2026"
    assert document.period_label("2026") == "năm 2026"


def test_the_workbook_has_the_sheets_and_totals_equal_to_the_figures():
    figures = sample_figures()
    book = load_workbook(io.BytesIO(xlsx_report.workbook_bytes(_doc(filed_on=date(2026, 5, 12)))))
    assert book.sheetnames == SHEETS
    top = _rows(book["Tổng hợp"])
    assert top[0][0] == "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH PHÁT TRIỂN MÔ HÌNH HỘI QUÁN NÔNG DÂN 6 THÁNG ĐẦU NĂM 2026"
    assert ("Số liệu đến ngày 10/05/2026",) == top[2][:1]
    assert top[3][0] == "Đã nộp ngày 12/05/2026"

    targets = book["Chỉ tiêu"]
    assert targets.freeze_panes == "A2"
    assert targets["A1"].font.bold
    rows = _rows(targets)
    assert rows[0] == ("STT", "Chỉ tiêu", "Mục tiêu", "Kết quả", "Đánh giá", "Ghi chú")
    by_label = {row[1]: row for row in rows[1:-1]}
    growing = by_label["Mã số vùng trồng của Hội quán liên kết HTX trái cây"]
    assert growing[2:5] == (8, 11, "Đạt") and isinstance(growing[3], int)
    ocop = by_label["Sản phẩm OCOP của Hội quán, HTX"]
    assert ocop[3] == 14 and "2 sắp hết hạn" in ocop[5] and "9 sản phẩm 3 sao" in ocop[5]
    assert rows[-1][1] == "Số chỉ tiêu đạt" and rows[-1][3] == sum(t.met for t in figures.targets)

    communes = _rows(book["Theo xã"])
    assert [row[0] for row in communes[1:-1]] == ["Xã Mỹ Hiệp", "Xã Phú Hựu"]
    totals = communes[-1]
    assert totals[0] == "Tổng cộng"
    assert list(totals[2:]) == [sum(t.by_commune.values()) for t in figures.targets]

    events = _rows(book["Hoạt động"])
    assert events[-1][0] == "2 buổi" and events[-1][5] == 35 + 28
    market = dict(_rows(book["Hoạt động trên sàn"])[1:])
    assert market["Giá trị đơn hàng (đồng)"] == 152_500_000
    fairs = _rows(book["Xúc tiến thương mại"])
    assert fairs[1][:4] == ("Hội chợ Xoài Đồng Tháp", "15/04/2026", 12, 5)
    assert fairs[-1][2:] == (12, 5)

    concerns = _rows(book["Khó khăn kiến nghị"])
    first = concerns[1]
    assert first[4] == "Thiếu kho lạnh sau thu hoạch" and first[5] == "Sở Nông nghiệp và Môi trường"
    assert first[6] == "Đang xử lý" and first[-1] == "Quá hạn"
    second = concerns[2]
    assert second[4] == "=Vay vốn ưu đãi cho thành viên"  # text, not a formula
    assert book["Khó khăn kiến nghị"]["E3"].data_type == "s"
    assert second[8] == "Đã hướng dẫn hồ sơ vay"
    assert concerns[-1][-1] == "1 quá hạn"

    records = _rows(book["Hồ sơ"])
    assert len(records) == 1 + 13 + 1
    assert records[-1][0] == "13 hồ sơ"


def test_an_empty_table_says_so():
    figures = sample_figures()
    empty = type(figures)(**{**figures.__dict__, "concerns": [], "fairs": []})
    book = load_workbook(io.BytesIO(xlsx_report.workbook_bytes(document.build(empty))))
    assert _rows(book["Khó khăn kiến nghị"])[1][0] == "Không có."


def _pdf_text(data: bytes) -> str:
    """The PDF's words, lines joined (a long title or cell wraps)."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_pdf_has_the_targets_table_with_its_diacritics():
    data = pdf_report.pdf_bytes(_doc(filed_on=date(2026, 5, 12)))
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "BÁO CÁO KẾT QUẢ THỰC HIỆN KẾ HOẠCH" in text
    assert "6 THÁNG ĐẦU NĂM 2026" in text
    assert "Số liệu đến ngày 10/05/2026" in text and "Đã nộp ngày 12/05/2026" in text
    assert "1. Kết quả thực hiện các chỉ tiêu" in text
    assert "Hợp tác xã thành lập từ Hội quán" in text
    assert "Mã số vùng trồng của Hội quán liên kết HTX trái cây" in text
    assert "Chưa đạt" not in text  # every target of the story is met
    assert "4. Khó khăn, kiến nghị và kết quả giải quyết" in text
    assert "Thiếu kho lạnh sau thu hoạch" in text and "Quá hạn" in text
    assert "Xã Mỹ Hiệp" in text


def test_the_csv_parses_back_with_its_bom_and_no_formulas():
    figures = sample_figures()
    data = csv_report.csv_bytes(figures, commune_names=COMMUNES)
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))
    targets = {r["key"]: r for r in rows if r["section"] == "targets"}
    assert targets["growing_area_codes"]["value"] == "11" and targets["growing_area_codes"]["goal"] == "8"
    assert targets["ocop_products"]["goal"] == ""
    assert targets["traceable_chains"]["label"] == "Chuỗi liên kết có mã số và truy xuất nguồn gốc"
    split = [(r["commune"], r["value"]) for r in rows
             if r["section"] == "targets_by_commune" and r["key"] == "growing_area_codes"]
    assert split == [("Xã Mỹ Hiệp", "7"), ("Xã Phú Hựu", "4")]
    concerns = [r for r in rows if r["section"] == "concerns"]
    assert {r["label"] for r in concerns} == {"Thiếu kho lạnh sau thu hoạch", "'=Vay vốn ưu đãi cho thành viên"}
    assert sum(1 for r in rows if r["section"] == "records") == 13
    assert next(r for r in rows if r["key"] == "as_of")["value"] == "2026-05-10"


def test_record_addresses_open_anywhere():
    book = load_workbook(io.BytesIO(xlsx_report.workbook_bytes(
        document.build(sample_figures(), site_url="https://chohoiquan.example/"))))
    addresses = [row[5] for row in _rows(book["Hồ sơ"])[1:-1]]
    assert "https://chohoiquan.example/orgs/7" in addresses
    assert "https://chohoiquan.example/chains/3" in addresses


def test_the_summary_sheet_keeps_numbers_as_numbers():
    book = load_workbook(io.BytesIO(xlsx_report.workbook_bytes(_doc())))
    rows = {row[0]: row[1:] for row in _rows(book["Tổng hợp"]) if row[0]}
    assert rows["Số chỉ tiêu đạt"] == (5, 5)
    assert rows["Mã số vùng trồng của Hội quán liên kết HTX trái cây"] == (11, 8)
    assert rows["Sản phẩm OCOP của Hội quán, HTX"] == (14, None)
    assert rows["Trong đó quá hạn chưa giải quyết"] == (1, None)
    assert rows["Tình trạng"][0] == "Chưa nộp (số liệu tính lại khi tải)"


def test_a_row_longer_than_a_page_continues_on_the_next_one():
    """A 4,000-character answer (what the form allows) or a long list of experts: the PDF is still
    made (ReportLab stops a whole document on a row taller than a page unless rows may split)."""
    from dataclasses import replace

    figures = sample_figures()
    answer = "Sở Nông nghiệp hỗ trợ kho lạnh và tập huấn bảo quản sau thu hoạch. " * 60
    experts = "Kỹ sư Nguyễn Văn Bảo (Chi cục Trồng trọt và Bảo vệ thực vật); " * 40
    figures = replace(figures, concerns=[replace(figures.concerns[0], answer=answer[:4000])],
                      club_events=[replace(figures.club_events[0], experts=experts)])
    data = pdf_report.pdf_bytes(document.build(figures, commune_names=COMMUNES))
    text = " ".join(_pdf_text(data).split())
    assert len(PdfReader(io.BytesIO(data)).pages) >= 3
    assert "tập huấn bảo quản sau thu hoạch" in text and "Chi cục Trồng trọt" in text


def test_a_workbook_drops_control_characters_a_filed_report_may_hold():
    """Figures filed before one-line fields were cleaned may hold control characters: the
    workbook still opens (openpyxl refuses them in a cell)."""
    from dataclasses import replace

    figures = sample_figures()
    figures = replace(figures, concerns=[replace(figures.concerns[0], title="Thiếu\x0b kho\x01 lạnh")])
    book = load_workbook(io.BytesIO(xlsx_report.workbook_bytes(document.build(figures, commune_names=COMMUNES))))
    cells = [cell for row in book["Khó khăn kiến nghị"].iter_rows(values_only=True) for cell in row if cell]
    assert "Thiếu kho lạnh" in cells
