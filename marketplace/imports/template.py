"""The import template: a workbook with one sheet per importable sheet (header row, then
Vietnamese example rows marked "Ví dụ" in a first column, which the importer skips) and a
"huong_dan" sheet explaining every column."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from marketplace.imports import sheets as sheet_specs
from marketplace.imports.services import importable_sheets

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "DD/MM/YYYY"
# Columns whose values look like numbers but are codes: Excel must keep them as text
# (a commune code 03280 or a phone number 0912… would lose its leading zero).
TEXT_COLUMNS = frozenset({"ref", "org_ref", "founded_from_ref", "commune_code", "phone", "zalo", "number",
                          "code"})

INTRO = (
    "Cách dùng mẫu nhập dữ liệu Chợ Hội Quán",
    "Mỗi trang tính là một loại dữ liệu: organizations (tổ chức), certificates (chứng nhận), "
    "planting_codes (mã số vùng trồng, cơ sở đóng gói), listings (tin bán), demand (nhu cầu mua).",
    "Dòng 1 là tên cột: giữ nguyên tên tiếng Anh. Dữ liệu bắt đầu từ dòng 2. Các dòng đang có là ví dụ "
    "(trang organizations có hai: một hội quán và một siêu thị mua hàng), đánh dấu “Ví dụ” ở cột đầu "
    "(vi_du): dòng có dấu này KHÔNG BAO GIỜ được nhập. Muốn dùng một dòng ví dụ làm dữ liệu thật thì "
    "sửa nó và xóa chữ “Ví dụ”; dữ liệu thật để trống cột vi_du. Cột thừa được bỏ qua.",
    "Trước khi lưu, trang nhập cho xem trước: những gì sẽ được tạo, cập nhật, điều chỉnh, các dòng ví "
    "dụ bị bỏ qua và các dòng bị từ chối. Chỉ khi bấm “Xác nhận nhập” thì mới lưu, đúng tệp đã xem.",
    "Nhập theo nguyên tắc “tất cả hoặc không”: chỉ cần một dòng có lỗi là không có gì được lưu; "
    "báo cáo ghi rõ trang tính, dòng, cột, giá trị và lý do để sửa rồi nhập lại cả tệp.",
    "Cảnh báo không phải là lỗi: dòng vẫn được lưu và báo cáo ghi rõ điều đã điều chỉnh, ví dụ tin bán "
    "đã hết mùa được lưu là đã kết thúc, nhóm hàng khác với danh mục thì dùng nhóm của danh mục.",
    "Nhập lại cùng mã tham chiếu (ref), cùng số chứng nhận hay cùng mã số thì cập nhật, không tạo trùng. "
    "Tin bán được đăng ngay, nhu cầu mua được mở ngay (đã quá ngày kết thúc thì lưu là đã kết thúc); "
    "chứng nhận và mã số luôn vào ở trạng thái chờ xác minh (kể cả khi dòng ghi active), trừ khi "
    "nhân viên nhập tệp đánh dấu “Tôi đã kiểm tra các giấy tờ này” khi xác nhận: khi đó chúng được ghi "
    "là do người đó xác minh, kèm tên và mã băm của tệp.",
    "Ngày ghi theo dạng ngày/tháng/năm (31/08/2027). "
    "Danh sách nhiều giá trị cách nhau bằng dấu chấm phẩy (;).",
)

_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBD5")
_WRAP = Alignment(wrap_text=True, vertical="top")
_EXAMPLE_FONT = Font(bold=True, italic=True, color="9C2B00")
_EXAMPLE_FILL = PatternFill("solid", fgColor="FFF2CC")


def template_workbook(today: date) -> bytes:
    workbook = Workbook()
    guide = workbook.active
    guide.title = sheet_specs.HELP_SHEET
    _write_guide(guide)
    for spec in importable_sheets():
        _write_sheet(workbook.create_sheet(spec.name), spec, today)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _write_guide(sheet) -> None:
    sheet.append([INTRO[0]])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in INTRO[1:]:
        sheet.append([line])
    sheet.append([])
    sheet.append(["Trang tính", "Cột", "Bắt buộc", "Giải thích"])
    header_row = sheet.max_row
    for cell in sheet[header_row]:
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    sheet.append(["(mọi trang)", sheet_specs.EXAMPLE_COLUMN, "", sheet_specs.EXAMPLE_COLUMN_HELP])
    sheet.cell(sheet.max_row, 4).alignment = _WRAP
    for spec in importable_sheets():
        for column in spec.columns:
            sheet.append([spec.name, column.name, "có" if column.required else "", column.help])
            sheet.cell(sheet.max_row, 4).alignment = _WRAP
    for letter, width in (("A", 18), ("B", 20), ("C", 10), ("D", 100)):
        sheet.column_dimensions[letter].width = width


def _write_sheet(sheet, spec: sheet_specs.Sheet, today: date) -> None:
    # Column A marks the example rows ("Ví dụ"): the importer skips them (sheets.is_example).
    sheet.append([sheet_specs.EXAMPLE_COLUMN, *spec.column_names])
    for cell in sheet[1]:
        cell.font, cell.fill = _BOLD, _HEADER_FILL
    sheet.freeze_panes = "B2"
    sheet.column_dimensions["A"].width = 10
    for row_number in range(2, 2 + len(spec.example_rows(today))):
        mark = sheet.cell(row_number, 1, sheet_specs.EXAMPLE_MARK)
        mark.font, mark.fill = _EXAMPLE_FONT, _EXAMPLE_FILL
    for index, column in enumerate(spec.columns, start=2):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = max(14, min(40, len(column.name) + 4))
        if column.name in TEXT_COLUMNS:
            sheet.column_dimensions[letter].number_format = "@"
    for row_number, values in enumerate(spec.example_rows(today), start=2):
        for index, (column, value) in enumerate(zip(spec.columns, values, strict=True), start=2):
            cell = sheet.cell(row_number, index, value)
            if isinstance(value, date):
                cell.number_format = DATE_FORMAT
            elif column.name in TEXT_COLUMNS:
                cell.number_format = "@"
