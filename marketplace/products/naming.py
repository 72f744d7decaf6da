"""Products and varieties named in English, as export buyers read them.

A catalogue variety may carry the English name exporters use ("Xoài cát Hòa Lộc" → "Hoa Loc
mango", "Mãng cầu xiêm" → "Soursop"). Every other variety — a proper name of place or cultivar,
or one staff added later — is written as exporters write such names: unaccented, each word
capitalised, before the product's English name ("Ri6 durian", "Nam Roi pomelo", "Lo Ren star
apple"). Nothing is stored: the English follows the catalogue and the product's name_en, so a
variety staff add or a renamed product needs no second edit.
"""

from __future__ import annotations

import unicodedata

from marketplace.products.taxonomy import VARIETY_NAMES_EN


def unaccented(text: str) -> str:
    """Vietnamese letters without their marks, case kept: "Hòa Lộc" → "Hoa Loc", "Đài" → "Dai"."""
    text = unicodedata.normalize("NFC", text).replace("đ", "d").replace("Đ", "D")
    return "".join(ch for ch in unicodedata.normalize("NFD", text) if unicodedata.category(ch) != "Mn")


def _capitalised(words: str) -> str:
    return " ".join(word[:1].upper() + word[1:] for word in words.split())


def variety_name_en(product_slug: str, product_name_en: str, variety: str) -> str:
    """The English name of a product's variety, product included: "Hoa Loc mango"."""
    given = VARIETY_NAMES_EN.get((product_slug, variety))
    if given:
        return given
    # "Mango" reads "Hoa Loc mango"; an acronym ("OCOP …") keeps its capitals.
    lower = product_name_en[1:2].islower()
    product = product_name_en[:1].lower() + product_name_en[1:] if lower else product_name_en
    return f"{_capitalised(unaccented(variety))} {product}".strip()


def title_en(product, variety: str | None) -> str:
    """What a listing or request offers, in English: "Hoa Loc mango", or "Mango" without a variety."""
    if not variety:
        return product.name_en or unaccented(product.name_vi)
    return variety_name_en(product.slug, product.name_en or unaccented(product.name_vi), variety)


class NamedGoods:
    """The titles of a row that names a product and a variety, chosen (`variety`) or typed
    (`variety_text`): a listing, a request."""

    @property
    def variety_name(self) -> str:
        return self.variety.name if self.variety else self.variety_text

    @property
    def title(self) -> str:
        return f"{self.product.name_vi} {self.variety_name}".strip()

    @property
    def title_en(self) -> str:
        return title_en(self.product, self.variety_name)
