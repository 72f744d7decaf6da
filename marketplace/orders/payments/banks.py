"""The main Vietnamese banks with their NAPAS BIN (the six digits VietQR names a bank by), and
how account numbers and holders are written."""

from __future__ import annotations

import re
from dataclasses import dataclass

from marketplace.vietnamese import nfc


@dataclass(frozen=True)
class Bank:
    bin: str
    short_name: str
    name: str


# From NAPAS's VietQR bank list (the same BINs vietnam-qr-pay ships; a unit test compares them).
BANKS: tuple[Bank, ...] = (
    Bank("970405", "Agribank", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam"),
    Bank("970436", "Vietcombank", "Ngân hàng TMCP Ngoại thương Việt Nam"),
    Bank("970415", "VietinBank", "Ngân hàng TMCP Công thương Việt Nam"),
    Bank("970418", "BIDV", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam"),
    Bank("970407", "Techcombank", "Ngân hàng TMCP Kỹ thương Việt Nam"),
    Bank("970422", "MB Bank", "Ngân hàng TMCP Quân đội"),
    Bank("970416", "ACB", "Ngân hàng TMCP Á Châu"),
    Bank("970432", "VPBank", "Ngân hàng TMCP Việt Nam Thịnh Vượng"),
    Bank("970403", "Sacombank", "Ngân hàng TMCP Sài Gòn Thương Tín"),
    Bank("970423", "TPBank", "Ngân hàng TMCP Tiên Phong"),
    Bank("970437", "HDBank", "Ngân hàng TMCP Phát triển Thành phố Hồ Chí Minh"),
    Bank("970441", "VIB", "Ngân hàng TMCP Quốc tế Việt Nam"),
    Bank("970443", "SHB", "Ngân hàng TMCP Sài Gòn - Hà Nội"),
    Bank("970448", "OCB", "Ngân hàng TMCP Phương Đông"),
    Bank("970426", "MSB", "Ngân hàng TMCP Hàng Hải"),
    Bank("970440", "SeABank", "Ngân hàng TMCP Đông Nam Á"),
    Bank("970449", "LPBank", "Ngân hàng TMCP Lộc Phát Việt Nam"),
    Bank("970431", "Eximbank", "Ngân hàng TMCP Xuất Nhập khẩu Việt Nam"),
    Bank("970452", "KienlongBank", "Ngân hàng TMCP Kiên Long"),
    Bank("970446", "Co-opBank", "Ngân hàng Hợp tác xã Việt Nam"),
    Bank("970428", "Nam A Bank", "Ngân hàng TMCP Nam Á"),
    Bank("970412", "PVcomBank", "Ngân hàng TMCP Đại Chúng Việt Nam"),
)
_BY_BIN = {bank.bin: bank for bank in BANKS}


def bank_by_bin(bin_: str | None) -> Bank | None:
    return _BY_BIN.get((bin_ or "").strip())


def normalize_account_number(text: str | None) -> str | None:
    """Digits only (spaces, dots and dashes people type are dropped); 6 to 19 digits."""
    digits = re.sub(r"[\s.\-]", "", text or "")
    return digits if re.fullmatch(r"\d{6,19}", digits) else None


def ascii_upper(text: str | None) -> str:
    """"Hội quán Xoài Mỹ Xương" → "HOI QUAN XOAI MY XUONG": upper case without accents, as banks
    print names and as EMVCo fields (ASCII) need them."""
    import unicodedata

    value = nfc(text or "").replace("đ", "d").replace("Đ", "D")
    value = "".join(c for c in unicodedata.normalize("NFD", value) if unicodedata.category(c) != "Mn")
    value = value.encode("ascii", "ignore").decode("ascii").upper()
    return re.sub(r"\s+", " ", re.sub(r"[^A-Z0-9 .,\-/]", " ", value)).strip()


def normalize_holder(text: str | None) -> str:
    return ascii_upper(text)
