"""What a notice says on a phone: the ZNS template and its data, and the SMS text, made in the
reader's language (call inside force_locale) from the same words as the bell (presentation.describe)
except for orders, which get one short line that reads well on a phone ("Đơn hàng mới #123: 2 tấn
xoài cát Chu từ HTX Mỹ Xương.")."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app

from marketplace import formatting
from marketplace.notifications import rules
from marketplace.notifications.presentation import describe


@dataclass(frozen=True)
class PhoneText:
    template: str
    params: dict
    text: str  # the SMS, without marks, within SMS_MAX_LENGTH


def sms_limit() -> int:
    return int(current_app.config.get("SMS_MAX_LENGTH") or rules.SMS_LIMIT)


def notice_text(kind: str, params: dict, link: str, reader_name: str) -> PhoneText:
    template = rules.zns_template_for(kind)
    if template == "order":
        quantity = params.get("quantity")
        number = formatting.number(quantity) if isinstance(quantity, int | float) else str(quantity or "")
        unit = formatting.unit(params.get("unit"), quantity if isinstance(quantity, int | float) else None)
        line = rules.order_line(kind, params, number, unit)
        data = rules.zns_params("order", {
            "customer_name": reader_name, "order_code": params.get("ref") or params.get("order_id") or "",
            "product": params.get("title") or "", "quantity": f"{number} {unit}".strip(),
            "amount": formatting.money(params.get("amount_vnd")) if params.get("amount_vnd") else "",
            "status": rules.ORDER_STATUS_WORDS.get(kind, "")})
        return PhoneText("order", data, rules.sms_text(line, link, sms_limit()))
    sentence = describe(kind, params)
    data = rules.zns_params("notice", {"customer_name": reader_name,
                                       "topic": rules.TOPIC_WORDS[rules.topic_of(kind)], "content": sentence})
    return PhoneText("notice", data, rules.sms_text(sentence, link, sms_limit()))


def code_text(code: str, sentence: str) -> PhoneText:
    """The message carrying a phone-confirmation code; `sentence` holds it already."""
    return PhoneText("code", rules.zns_params("code", {"otp": code}), rules.sms_text(sentence, "", sms_limit()))
