"""The words of orders: statuses, payment providers, what a state change says when done, why a
bank statement could not be read, what became of a card payment not applied."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from marketplace.orders.statement import StatementError


def _labels():
    return {"requested": _l("Waiting for the seller"), "confirmed": _l("Confirmed, waiting for payment"),
            "declined": _l("Declined"), "paid": _l("Paid"), "delivered": _l("Delivered"),
            "completed": _l("Completed"), "cancelled": _l("Cancelled"), "expired": _l("Expired")}


STATUS_LABELS = _labels()


def _provider_labels():
    return {"vietqr": _l("bank transfer"), "manual": _l("recorded by the seller"), "stripe": _l("card")}


PROVIDER_LABELS = _provider_labels()


ACTION_DONE = {
    "confirm": _l("The order is confirmed. The buyer is told and can pay."),
    "decline": _l("The order is declined. The quantity is back on sale."),
    "cancel": _l("The order is cancelled."),
    "deliver": _l("The order is marked delivered."),
    "complete": _l("Thank you: the order is completed."),
}


def statement_error_message(error: StatementError) -> str:
    messages = {
        "empty": _("The file is empty."),
        "too_large": _("The file is too large (at most 2 MB)."),
        "not_utf8": _("The file is not UTF-8 text. Save it from the spreadsheet as “CSV UTF-8”."),
        "not_csv": _("This is not a CSV file. Save the statement from the spreadsheet as “CSV UTF-8”."),
        "missing_columns": _("Columns not found: %(columns)s. The first line must name the date, amount and "
                             "description columns (e.g. Ngày, Số tiền, Nội dung).",
                             columns=error.params.get("columns", "")),
        "too_many_lines": _("The file has more than %(max)d lines: upload a shorter period.",
                            max=error.params.get("max", 0)),
        "bad_amount": _("Line %(line)d: “%(value)s” is not an amount.", line=error.params.get("line", 0),
                        value=error.params.get("value", "")),
        "bad_date": _("Line %(line)d: “%(value)s” is not a date.", line=error.params.get("line", 0),
                      value=error.params.get("value", "")),
    }
    return messages.get(error.code, _("The file could not be read."))


OUTCOME_LABELS = {
    "not_payable": _l("The order was no longer waiting for money (cancelled, or paid another way)."),
    "amount_mismatch": _l("The amount differs from what the order had due."),
    "unknown_session": _l("Not a checkout this site opened for that order and amount."),
    "unknown_order": _l("The order is not on this site."),
    "wrong_currency": _l("Paid in another currency than đồng."),
}
