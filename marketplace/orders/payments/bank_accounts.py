"""The bank account a seller organisation is paid into: the one a VietQR code names.

Takes the session, flushes, never commits.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization
from marketplace.orders.models import BankAccount
from marketplace.orders.payments import banks
from marketplace.validation import FieldProblems

BANK_MESSAGES = {
    "required": _l("This field is required."),
    "too_long": _l("This text is too long."),
    "unknown_bank": _l("Choose a bank from the list."),
    "bad_account": _l("An account number has 6 to 19 digits."),
}


def bank_account_of(db: Session, org_id: int) -> BankAccount | None:
    return db.scalar(select(BankAccount).where(BankAccount.organization_id == org_id))


def save_bank_account(db: Session, org: Organization, *, bank_bin: str, account_number: str,
                      account_holder: str) -> BankAccount:
    problems = FieldProblems(BANK_MESSAGES)
    bin_ = (bank_bin or "").strip()
    if banks.bank_by_bin(bin_) is None:
        problems.add("bank_bin", "unknown_bank")
    number = banks.normalize_account_number(account_number)
    if number is None:
        problems.add("account_number", "bad_account")
    holder = banks.normalize_holder(account_holder)
    if not holder:
        problems.add("account_holder", "required")
    elif len(holder) > 70:
        problems.add("account_holder", "too_long")
    problems.raise_if_any()
    account = bank_account_of(db, org.id) or BankAccount(organization_id=org.id)
    account.bank_bin, account.account_number, account.account_holder = bin_, number, holder
    db.add(account)
    db.flush()
    return account
