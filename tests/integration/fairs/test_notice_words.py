"""Every booth notice is worded in the reader's language (bell, mail and digest share the words)."""

from __future__ import annotations

import pytest
from flask_babel import force_locale

from marketplace.notifications.presentation import describe

PARAMS = {"ref": "GH-000012", "fair": "Hội chợ Trái cây Đồng Tháp 2027", "fair_en": "Dong Thap Fruit Fair 2027",
          "org": "Hội quán Xoài Mỹ Xương", "booth": "A-07", "amount_vnd": 1_500_000, "reason": "Trùng ngành hàng"}


@pytest.mark.parametrize(("kind", "vi", "en"), [
    ("booth_applied", "Hội quán Xoài Mỹ Xương đăng ký gian hàng tại Hội chợ Trái cây Đồng Tháp 2027 (GH-000012).",
     "Hội quán Xoài Mỹ Xương applied for a booth at Dong Thap Fruit Fair 2027 (GH-000012)."),
    ("booth_approved", "Gian A-07 tại Hội chợ Trái cây Đồng Tháp 2027 của bạn đã được duyệt. Hãy đóng phí 1.500.000",
     "Your booth A-07 at Dong Thap Fruit Fair 2027 is approved. Pay the fee of"),
    ("booth_confirmed", "Gian A-07 tại Hội chợ Trái cây Đồng Tháp 2027 của bạn đã được xác nhận.",
     "Your booth A-07 at Dong Thap Fruit Fair 2027 is confirmed."),
    ("booth_waitlisted", "đang trong danh sách chờ", "is on the waitlist"),
    ("booth_declined", "bị từ chối: “Trùng ngành hàng”", "was declined: “Trùng ngành hàng”"),
])
def test_booth_notices_in_both_languages(app, kind, vi, en):
    with app.test_request_context():
        with force_locale("vi"):
            assert vi in describe(kind, PARAMS)
        with force_locale("en"):
            assert en in describe(kind, PARAMS)
