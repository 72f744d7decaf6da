"""Pure rules for notices on phones: topics of notice kinds, stored channel choices, Vietnamese
without marks for SMS within 160 characters, ZNS parameters within Zalo's limits, the order line,
and how Zalo's and an SMS gateway's errors are classified."""

from __future__ import annotations

import pytest

from marketplace.notifications import notifier, rules

# -- topics and channels -----------------------------------------------------------------------


@pytest.mark.parametrize("kind, topic", [
    ("order_new", "orders"), ("order_claim_paid", "orders"), ("order_refunded", "orders"),
    ("offer", "offers"), ("message", "messages"), ("match", "matches"), ("alert", "matches"),
    ("booth_accepted", "fairs"), ("meeting_cancelled", "fairs"), ("tour_requested", "tourism"),
    ("chain_accepted", "chains"), ("member_joined", "members"), ("invitation_accepted", "members"),
    ("something_new", "other"), ("", "other"),
])
def test_every_kind_has_a_topic(kind, topic):
    assert rules.topic_of(kind) == topic


def test_every_topic_is_known_to_the_page():
    assert set(rules.TOPICS) == set(rules.TOPIC_WORDS)


def test_channels_are_parsed_and_stored_in_the_pages_order():
    assert rules.parse_channels("zalo;bell;;fax") == {"bell", "zalo"}
    assert rules.parse_channels("") == frozenset() and rules.parse_channels(None) == frozenset()
    assert rules.format_channels({"sms", "bell", "zalo"}) == "bell;zalo;sms"


def test_defaults_are_the_bell_and_mail_as_the_mail_choice_says():
    assert rules.default_channels("instant") == {"bell", "mail"}
    assert rules.default_channels("daily") == {"bell", "mail"}
    assert rules.default_channels("off") == {"bell"}


# -- text for phones ---------------------------------------------------------------------------


def test_unaccent_keeps_the_words_readable():
    assert rules.unaccent("Đơn hàng mới: xoài cát Chu, Hội quán Mỹ Xương") == \
        "Don hang moi: xoai cat Chu, Hoi quan My Xuong"
    assert rules.unaccent("“Chín” – ổn…") == '"Chin" - on...'
    assert rules.unaccent("ĐẶNG ƯỚC Ỷ").isascii()


def test_an_sms_fits_160_characters_and_keeps_its_link_whole():
    link = "https://chohoiquan.vn/orders/123"
    text = rules.sms_text("Đơn hàng mới #123: " + "xoài cát Chu từ Hợp tác xã Mỹ Xương " * 10, link)
    assert len(text) <= 160 and text.isascii()
    assert text.endswith(" " + link) and "..." in text


def test_a_short_sms_is_left_as_it_is():
    assert rules.sms_text("Đơn hàng mới #5", "https://x.vn/o/5") == "Don hang moi #5 https://x.vn/o/5"


def test_an_sms_follows_a_configured_limit():
    assert len(rules.sms_text("chữ " * 100, "", limit=70)) <= 70


def test_fit_cuts_at_a_word():
    assert rules.fit("xoài cát Chu loại một", 12) == "xoài cát…"
    assert rules.fit("  nhiều   khoảng trắng ", 50) == "nhiều khoảng trắng"


def test_zns_parameters_never_exceed_zalos_limits():
    long = "Hợp tác xã nông nghiệp dịch vụ tổng hợp xoài Mỹ Xương huyện Cao Lãnh " * 5
    data = rules.zns_params("order", {"customer_name": long, "order_code": long, "product": long,
                                       "quantity": long, "amount": long, "status": long})
    for name, limit in rules.ZNS_TEMPLATES["order"].items():
        assert 0 < len(data[name]) <= limit
    assert rules.zns_params("notice", {})["content"] == ""


def test_every_order_status_word_fits_its_parameter():
    assert all(len(word) <= rules.ZNS_TEMPLATES["order"]["status"] for word in rules.ORDER_STATUS_WORDS.values())
    assert all(len(word) <= rules.ZNS_TEMPLATES["notice"]["topic"] for word in rules.TOPIC_WORDS.values())


def test_a_new_order_reads_well_on_a_phone():
    params = {"order_id": 123, "ref": "DH-123", "title": "Xoài cát Chu", "buyer": "HTX Mỹ Xương",
              "seller": "Hội quán Xoài Mỹ Xương"}
    assert rules.order_line("order_new", params, "2", "tấn") == "Đơn hàng mới #123: 2 tấn xoài cát Chu từ HTX Mỹ Xương."
    assert rules.order_line("order_confirmed", params, "2", "tấn") == \
        "Đã xác nhận #123: 2 tấn xoài cát Chu của Hội quán Xoài Mỹ Xương."


def test_a_title_starting_with_an_acronym_keeps_it():
    line = rules.order_line("order_new", {"order_id": 7, "title": "OCOP xoài sấy", "buyer": "B"}, "5", "kg")
    assert line == "Đơn hàng mới #7: 5 kg OCOP xoài sấy từ B."


def test_phone_numbers_for_zalo_and_for_logs():
    assert rules.international_phone("0912345678") == "84912345678"
    assert rules.mask_phone("0912345678") == "091****678"
    assert "345" not in rules.mask_phone("0912345678")


def test_templates_per_kind():
    assert rules.zns_template_for("order_new") == "order"
    assert rules.zns_template_for("offer") == "notice"
    assert rules.zns_template_for("phone_code") == "code"


# -- errors ------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", [-108, -109, -112, -118, -119, -139])
def test_zalo_errors_no_retry_can_fix_are_permanent(code):
    assert isinstance(notifier.classify_zns(code), notifier.PermanentSendError)


@pytest.mark.parametrize("code", [-100, -117, -124, -133, -1])
def test_other_zalo_errors_are_retried(code):
    assert isinstance(notifier.classify_zns(code, "later"), notifier.RetryableSendError)


@pytest.mark.parametrize("status, retry", [(500, True), (503, True), (429, True), (401, True), (403, True),
                                           (400, False), (404, False), (422, False)])
def test_http_errors(status, retry):
    error = notifier.classify_http("sms", status)
    assert isinstance(error, notifier.RetryableSendError if retry else notifier.PermanentSendError)


def test_templates_setting_is_read_as_people_write_it():
    assert notifier.parse_templates(" order = 231 ; notice=232, code=233,bogus=9,empty=") == \
        {"order": "231", "notice": "232", "code": "233"}


def test_nothing_without_keys_and_fakes_when_asked():
    assert notifier.make_notifiers({}) == {}
    assert notifier.make_notifiers({"ZALO_ZNS_ACCESS_TOKEN": "t"}) == {}  # no template: nothing to send
    assert set(notifier.make_notifiers({"ZALO_ZNS_ACCESS_TOKEN": "t", "ZALO_ZNS_TEMPLATES": "notice=1"})) == {"zalo"}
    assert set(notifier.make_notifiers({"SMS_URL": "https://sms", "SMS_API_KEY": "k", "SMS_BRANDNAME": "CHQ"})) == {"sms"}
    assert set(notifier.make_notifiers({"NOTIFIER": "fake"})) == {"zalo", "sms"}


def test_the_fake_fails_as_told():
    fake = notifier.FakeNotifier()
    fake.fail(1)
    message = notifier.PhoneMessage("sms", "0912345678", "notice", {}, "hi", "t1")
    with pytest.raises(notifier.RetryableSendError):
        fake.send(message)
    assert fake.send(message) == "fake-1" and fake.sent == [message]
    fake.fail(1, permanent=True)
    with pytest.raises(notifier.PermanentSendError):
        fake.send(message)
