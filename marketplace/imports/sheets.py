"""The import sheets: their order, their columns, and what the template says about each column.

One description serves the importer (order, required columns, example rows to skip) and the
template workbook (header, Vietnamese example rows marked "Ví dụ", the "huong_dan" sheet). The
help and the examples are Vietnamese text on purpose: the template is a document for Vietnamese
staff, like the taxonomy's names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from marketplace.credentials.rules import add_months
from marketplace.vietnamese import fold


@dataclass(frozen=True)
class Column:
    name: str
    help: str  # Vietnamese, for the template's "huong_dan" sheet
    example: object | Callable[[date], object] = None  # a value, or a function of today
    required: bool = False

    def example_on(self, today: date) -> object:
        return self.example(today) if callable(self.example) else self.example


@dataclass(frozen=True)
class Sheet:
    name: str
    title: str  # Vietnamese
    columns: tuple[Column, ...]
    # Example rows after the first (which is the columns' own examples): {column: value or function}.
    more_examples: tuple[dict[str, object], ...] = ()

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def example_rows(self, today: date) -> list[list[object]]:
        """The template's example rows, in column order (dates as of today)."""
        rows = [[c.example_on(today) for c in self.columns]]
        for example in self.more_examples:
            rows.append([Column(c.name, c.help, example.get(c.name)).example_on(today) for c in self.columns])
        return rows


# The example rows fit together: a club, its VietGAP certificate, its planting area code and a
# listing that cites both, and a buyer (a supermarket) with a request for the same mango, so that
# with their "Ví dụ" mark cleared they import as they are (dates move with today). With the mark,
# as downloaded, they are skipped (EXAMPLE_COLUMN).
EXAMPLE_ORG = "hq-xoai-my-tho"
EXAMPLE_BUYER = "st-nong-san-cao-lanh"
EXAMPLE_CERTIFICATE = "VietGAP-TT-13-09-68-0096"
EXAMPLE_CODE = "VN-DTOR-0123"
STATUS_HELP = ("Trạng thái: pending (chờ xác minh, mặc định khi để trống), active (đã xác minh), "
               "suspended (tạm đình chỉ), revoked (thu hồi), expired (hết hạn).")
DATE_HELP = "dd/mm/yyyy, ví dụ 31/08/2027."
CATEGORY_HELP = ("Nhóm hàng, chỉ để kiểm tra (không bắt buộc): fruit (trái cây), vegetable (rau củ), "
                 "rice (lúa gạo), aquatic (thủy sản), flower (hoa kiểng), processed (chế biến, OCOP), "
                 "tourism (du lịch nông thôn). Nếu khác nhóm của sản phẩm trong danh mục thì dùng nhóm "
                 "của danh mục và báo cảnh báo, vẫn lưu dòng.")


def _issued(today: date) -> date:
    return today - timedelta(days=30)


ORGANIZATIONS = Sheet("organizations", "Tổ chức: hội quán, hợp tác xã, người mua", (
    Column("ref", "Mã tham chiếu duy nhất do bạn đặt (chữ không dấu, số, gạch ngang), tối đa 60 ký tự. "
                  "Nhập lại cùng mã thì cập nhật tổ chức đó, không tạo trùng.", EXAMPLE_ORG, True),
    Column("kind", "Loại tổ chức: club (hội quán), cooperative (hợp tác xã), coop_group (tổ hợp tác), "
                   "business (doanh nghiệp), supermarket (siêu thị), trader (thương lái), "
                   "exporter (doanh nghiệp xuất khẩu), agency (cơ quan nhà nước).", "club", True),
    Column("name", "Tên tổ chức.", "Hội quán Xoài cát Chu Mỹ Thọ", True),
    Column("commune_code", "Mã xã/phường chính thức sau ngày 1/7/2025 (5 chữ số), ví dụ "
                           "29869 Phường Cao Lãnh, 30244 Xã Phú Hựu, 30076 Xã Mỹ Thọ. "
                           "Phải có trong danh mục.", "30076"),
    Column("address", "Địa chỉ như mọi người vẫn gọi, có thể theo địa danh cũ.", "Ấp 3, xã Mỹ Xương cũ"),
    Column("phone", "Số điện thoại Việt Nam, ví dụ 0912 345 678.", "0912345678"),
    Column("zalo", "Số Zalo, nếu khác số điện thoại.", None),
    Column("email", "Thư điện tử.", None),
    Column("members", "Số thành viên (số hộ), số nguyên.", 45),
    Column("founded_on", f"Ngày thành lập, {DATE_HELP}", date(2019, 3, 15)),
    Column("founded_from_ref", "Chỉ với hợp tác xã thành lập từ một hội quán: mã tham chiếu (ref) "
                               "của hội quán đó, ở trong tệp này hoặc đã có trên hệ thống.", None),
    Column("tourism", "Có đón khách du lịch nông thôn không: có/không (yes/no, 1/0).", "có"),
    Column("description", "Giới thiệu ngắn.", "45 hộ trồng xoài cát Chu, có vườn đón khách tham quan."),
), more_examples=(
    {"ref": EXAMPLE_BUYER, "kind": "supermarket", "name": "Siêu thị Nông sản Cao Lãnh",
     "commune_code": "29869", "address": "Phường Cao Lãnh", "phone": "0277 3851 234", "tourism": "không",
     "description": "Siêu thị thu mua xoài, quýt, khóm của các hội quán trong tỉnh."},
))

CERTIFICATES = Sheet("certificates", "Chứng nhận: VietGAP, GlobalGAP, hữu cơ, OCOP", (
    Column("org_ref", "Mã tham chiếu (ref) của tổ chức được chứng nhận.", EXAMPLE_ORG, True),
    Column("type", "Loại: vietgap, globalgap, organic (hữu cơ), ocop.", "vietgap", True),
    Column("number", "Số chứng nhận. GlobalGAP (GGN) có đúng 13 chữ số. Loại và số xác định một "
                     "chứng nhận: nhập lại thì cập nhật; số đã thuộc tổ chức khác thì bị từ chối.",
           EXAMPLE_CERTIFICATE, True),
    Column("product", "Sản phẩm được chứng nhận.", "Xoài cát Chu"),
    Column("stars", "Chỉ với OCOP: số sao, từ 1 đến 5.", None),
    Column("issued_on", f"Ngày cấp, {DATE_HELP}", _issued),
    Column("expires_on", f"Ngày hết hạn, {DATE_HELP} VietGAP có hiệu lực tối đa 2 năm; "
                         "OCOP để trống thì tính 36 tháng từ ngày cấp.",
           lambda today: add_months(_issued(today), 23)),
    Column("issuer", "Tổ chức cấp chứng nhận.", "Trung tâm Chứng nhận phù hợp"),
    Column("status", STATUS_HELP, "active"),
))

PLANTING_CODES = Sheet("planting_codes", "Mã số vùng trồng và mã cơ sở đóng gói", (
    Column("org_ref", "Mã tham chiếu (ref) của tổ chức giữ mã.", EXAMPLE_ORG, True),
    Column("code", "Mã số, ví dụ VN-DTOR-0017 (vùng trồng), VN-DTPH-0001 (cơ sở đóng gói). "
                   "Một mã chỉ thuộc một tổ chức: nhập lại thì cập nhật; mã đã thuộc tổ chức khác "
                   "thì bị từ chối.", EXAMPLE_CODE, True),
    Column("kind", "growing_area (vùng trồng) hoặc packing_house (cơ sở đóng gói).", "growing_area", True),
    Column("crop", "Cây trồng.", "Xoài cát Chu"),
    Column("area_ha", "Diện tích (ha), ví dụ 12,5.", 12.5),
    Column("commune_code", "Mã xã/phường nơi có vùng trồng (5 chữ số); để trống thì lấy xã "
                           "của tổ chức.", "30076"),
    Column("markets", "Thị trường đã chấp nhận mã, mã nước cách nhau bằng dấu chấm phẩy, "
                      "ví dụ CN;US;AU.", "CN;US"),
    Column("issued_on", f"Ngày cấp, {DATE_HELP}", _issued),
    Column("valid_until", f"Có hiệu lực đến, {DATE_HELP}", lambda today: add_months(_issued(today), 24)),
    Column("status", STATUS_HELP, "active"),
))

LISTINGS = Sheet("listings", "Tin bán (đăng ngay khi nhập; hết mùa thì lưu là đã kết thúc)", (
    Column("ref", "Mã tham chiếu duy nhất của tin bán; nhập lại cùng mã thì cập nhật tin đó.",
           "hq-xoai-my-tho-xoai-cat-chu", True),
    Column("org_ref", "Mã tham chiếu (ref) của tổ chức bán.", EXAMPLE_ORG, True),
    Column("product", "Sản phẩm, ví dụ xoài, quýt, khóm (dứa), sầu riêng, nhãn.", "xoài", True),
    Column("variety", "Giống, ví dụ cát Chu, cát Hòa Lộc.", "cát Chu"),
    Column("category", CATEGORY_HELP, "fruit"),
    Column("quantity", "Sản lượng bán, ví dụ 5000 hoặc 2,5.", 5000, True),
    Column("unit", "Đơn vị: kg, tạ, tấn, trái, bó, chậu, cây, hộp, chai, con, lượt, đêm.", "kg", True),
    Column("min_order", "Đơn hàng tối thiểu, cùng đơn vị.", 500),
    Column("price_vnd", "Giá một đơn vị, đồng, ví dụ 38000 hoặc 38k. Để trống nếu giá thỏa thuận.", 38000),
    Column("available_from", f"Có hàng từ ngày, {DATE_HELP}", lambda today: today + timedelta(days=7), True),
    Column("available_to", f"Có hàng đến ngày, {DATE_HELP} Ngày đã qua thì tin vẫn được lưu nhưng là "
                           "tin đã kết thúc (không bán, không tìm thấy), kèm cảnh báo.",
           lambda today: today + timedelta(days=60), True),
    Column("certificates", "Số chứng nhận của chính tổ chức này (trong tệp hoặc đã có), "
                           "cách nhau bằng dấu ;.", EXAMPLE_CERTIFICATE),
    Column("planting_codes", "Mã số vùng trồng / cơ sở đóng gói của chính tổ chức này, "
                             "cách nhau bằng dấu ;.", EXAMPLE_CODE),
    Column("description", "Mô tả.", "Xoài cát Chu loại 1, trái 400–500 g, giao tại vườn."),
))

DEMAND = Sheet("demand", "Nhu cầu mua (mở ngay khi nhập; hết hạn thì lưu là đã kết thúc)", (
    Column("ref", "Mã tham chiếu duy nhất của nhu cầu mua; nhập lại cùng mã thì cập nhật nhu cầu đó, "
                  "không tạo trùng.", "st-nong-san-cao-lanh-xoai-cat-chu", True),
    Column("org_ref", "Mã tham chiếu (ref) của tổ chức mua, trong tệp này hoặc đã có trên hệ thống. "
                      "Phải là người mua: business (doanh nghiệp), supermarket (siêu thị), trader "
                      "(thương lái) hoặc exporter (doanh nghiệp xuất khẩu); hội quán, hợp tác xã không "
                      "đăng nhu cầu mua.", EXAMPLE_BUYER, True),
    Column("product", "Sản phẩm cần mua, ví dụ xoài, quýt, khóm (dứa), sầu riêng, nhãn.", "xoài", True),
    Column("variety", "Giống cần mua, ví dụ cát Chu, cát Hòa Lộc; để trống nếu giống nào cũng được.",
           "cát Chu"),
    Column("category", CATEGORY_HELP, "fruit"),
    Column("quantity", "Số lượng cần mua, ví dụ 10 hoặc 2,5.", 10, True),
    Column("unit", "Đơn vị: kg, tạ, tấn, trái, bó, chậu, cây, hộp, chai, con, lượt, đêm.", "tấn", True),
    Column("frequency", "Tần suất: once (một lần, mặc định khi để trống), weekly (hằng tuần), "
                        "monthly (hằng tháng), seasonal (theo mùa, theo vụ). Ghi tiếng Việt cũng được.",
           "hằng tuần"),
    Column("needed_from", f"Cần hàng từ ngày, {DATE_HELP}", lambda today: today + timedelta(days=14), True),
    Column("needed_to", f"Cần hàng đến ngày, {DATE_HELP} Không được trước ngày bắt đầu. Ngày đã qua "
                        "thì nhu cầu vẫn được lưu nhưng là đã kết thúc, kèm cảnh báo.",
           lambda today: today + timedelta(days=90), True),
    Column("price_min_vnd", "Giá thấp nhất sẵn sàng trả cho một đơn vị, đồng, ví dụ 30000 hoặc 30k. "
                            "Để trống nếu thỏa thuận.", 30000),
    Column("price_max_vnd", "Giá cao nhất cho một đơn vị, đồng; không thấp hơn giá thấp nhất.", 40000),
    Column("required_certificates", "Chứng nhận bắt buộc, cách nhau bằng dấu ;: vietgap, globalgap, "
                                    "organic (hữu cơ), ocop (xếp hạng OCOP còn hiệu lực, số sao theo cột "
                                    "min_ocop_stars, để trống thì từ 3 sao). Để trống nếu không yêu cầu.",
           "vietgap"),
    Column("min_ocop_stars", "Số sao OCOP tối thiểu, từ 1 đến 5 (để trống nếu không yêu cầu). "
                             "Có số sao là đã yêu cầu xếp hạng OCOP còn hiệu lực.", None),
    Column("needs_planting_code", "Cần mã số vùng trồng: có/không (yes/no, 1/0). Có thị trường xuất "
                                  "khẩu thì luôn cần.", "có"),
    Column("export_market", "Thị trường xuất khẩu (mã nước), ví dụ CN, US; để trống nếu bán trong nước.",
           None),
    Column("commune_code", "Mã xã/phường nhận hàng (5 chữ số), ví dụ 29869 Phường Cao Lãnh.", "29869"),
    Column("description", "Yêu cầu chất lượng, đóng gói, giao nhận.",
           "Xoài cát Chu loại 1, trái 400–500 g, giao tại kho siêu thị."),
))

PRICES = Sheet("prices", "Giá tham khảo: giá tại vườn, chợ đầu mối, siêu thị, xuất khẩu", (
    Column("ref", "Mã tham chiếu duy nhất của dòng giá; nhập lại cùng mã thì cập nhật dòng đó, "
                  "không tạo trùng.", "gia-xoai-cat-chu-my-thoi", True),
    Column("product", "Sản phẩm, ghi như mọi người vẫn gọi, ví dụ xoài cát Chu, quýt hồng, sen. Tên chưa có "
                      "trong danh mục vẫn được lưu như đã ghi và chờ cán bộ ghép.", "xoài", True),
    Column("variety", "Giống, ví dụ cát Chu, cát Hòa Lộc.", "cát Chu"),
    Column("market", "Nơi thấy giá: farm_gate (giá tại vườn), wholesale (chợ đầu mối), supermarket "
                     "(siêu thị), export (xuất khẩu). Ghi tiếng Việt cũng được.", "chợ đầu mối", True),
    Column("observed_on", f"Ngày thấy giá, {DATE_HELP} Không được sau hôm nay.",
           lambda today: today - timedelta(days=1), True),
    Column("price_min_vnd", "Giá thấp nhất một đơn vị, đồng, ví dụ 35000 hoặc 35k.", 35000),
    Column("price_max_vnd", "Giá cao nhất một đơn vị, đồng; không thấp hơn giá thấp nhất. Để trống nếu "
                            "chỉ có một giá.", 42000),
    Column("price", "Thay cho hai cột trên: giá hoặc khoảng giá, ví dụ 35-42k, 38.000.", None),
    Column("unit", "Đơn vị tính giá, ví dụ kg, trái, bó; để trống là kg.", "kg"),
    Column("place", "Nơi thấy giá, ví dụ Chợ đầu mối Mỹ Thới.", "Chợ đầu mối Mỹ Thới"),
    Column("commune_code", "Mã xã/phường (5 chữ số), nếu có.", None),
    Column("source", "Nguồn tin, ví dụ Sở Công Thương, khảo sát qua điện thoại.", "Khảo sát qua điện thoại"),
    Column("note", "Ghi chú.", "Loại 1"),
))

# The template's example rows carry this mark in their first column, headed "vi_du": the importer
# skips them (and says how many), so the template imported as downloaded creates nothing. A person
# who turns an example row into real data clears the mark; a row with the mark left is skipped and
# the preview names it. Any sheet may have the column; only a marked row is skipped.
EXAMPLE_COLUMN = "vi_du"
EXAMPLE_COLUMN_ALIASES = ("vi_du", "example")
EXAMPLE_MARK = "Ví dụ"
EXAMPLE_COLUMN_HELP = ("Dòng mẫu: ô ghi “Ví dụ” thì dòng này KHÔNG được nhập. Để nhập dòng, xóa chữ "
                       "“Ví dụ” (để trống ô). Dữ liệu thật để trống cột này.")
_NOT_AN_EXAMPLE = frozenset({"khong", "no", "0", "false"})


def is_example(values: dict[str, object]) -> bool:
    """A row marked as an example: any value in the example column but a "no" (không, no, 0)."""
    for column in EXAMPLE_COLUMN_ALIASES:
        mark = values.get(column)
        if mark is None or mark is False or mark == "":
            continue
        if fold(str(mark)).strip() not in _NOT_AN_EXAMPLE:
            return True
    return False


# Dependency order: a sheet may refer to rows of the sheets before it.
SHEETS: tuple[Sheet, ...] = (ORGANIZATIONS, CERTIFICATES, PLANTING_CODES, LISTINGS, DEMAND, PRICES)
BY_NAME: dict[str, Sheet] = {s.name: s for s in SHEETS}
# The template's own help sheet: read back with the rest of the workbook and ignored without notice.
HELP_SHEET = "huong_dan"
