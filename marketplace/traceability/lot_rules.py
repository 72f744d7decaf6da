"""The rules of lots and their events, as pure functions (no Flask, no database).

Lot codes. A generated code is "<prefix>-<yymm>-<5 random>" ("DT-2612-7KQ4M"): short enough to
write on a crate, printable ASCII, and read aloud over a phone without doubt — the random part
comes from an alphabet without 0/O and 1/I. The service retries on the rare clash (32⁵ codes a
prefix and month). A club may use its own code instead: letters, digits and - _ . up to 40, as
people type it (trimmed, upper-cased); a space inside is refused with its own message, since
"LO 12" and "LO12" written on two crates would be two lots to a reader. A slash is refused too
(the brief allowed it): the code is one segment of the lot's addresses (/lots/<code>,
/t/<code>, /api/v1/lots/<code>, the GS1 Digital Link), where "HTX/2026" would be two.

GTIN. 8, 12, 13 or 14 digits with a valid GS1 check digit, stored as 14 digits (zero-padded), the
form the GS1 Digital Link address uses.

Events. A lot goes harvested → sorted → packed → shipped → received. The holder (the seller's
club) records the first four; "received" is the buyer's alone, recorded when the buyer confirms
receipt of an order that named the lot. A new event may repeat the latest step (two shipments of a
lot) but not go back before it (a lot that was shipped is not harvested again): that is what a
correction is for. A step may be skipped (a lot sold unsorted).

Corrections. A correction is a new event naming the event it corrects (of the same lot, recorded
by the same organisation) and saying what was wrong (a note is required). It keeps the kind of
what it corrects (a "shipped" recorded by mistake for a "packed" is corrected by saying so in the
note and recording the right step). A correction may itself be corrected; the original is never
changed. The order rule above looks at uncorrected and corrected events alike: a correction does
not move the lot along.

Quantities. Every quantity is above zero and below MAX_QUANTITY. What a split's shipments or a
packing takes from a source cannot be more than what is left of it: compared in the source's
unit when the units are the same, through kilograms when both units weigh ("2 tấn" into
"thùng 10 kg"), and not compared at all when they cannot be (trái into kg): such a quantity is
kept as typed and the page shows both units — we cannot tell, and refusing it would make a club
lie about its unit.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from marketplace.problems import Problems

# Without 0/O and 1/I, which people misread on a crate or over the phone.
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
RANDOM_LENGTH = 5
DEFAULT_PREFIX = "LO"
MAX_PREFIX_LENGTH = 4
MAX_CODE_LENGTH = 40
CODE_PATTERN = re.compile(r"[A-Z0-9._-]+")
GENERATED_PATTERN = re.compile(rf"[A-Z]{{1,{MAX_PREFIX_LENGTH}}}-\d{{4}}-[{ALPHABET}]{{{RANDOM_LENGTH}}}")

EVENT_KINDS = ("harvested", "sorted", "packed", "shipped", "received")
SELLER_KINDS = frozenset({"harvested", "sorted", "packed", "shipped"})
BUYER_KINDS = frozenset({"received"})

MAX_QUANTITY = 1_000_000_000
MAX_SOURCES = 50
MAX_SHIPMENTS = 50
LIMITS = {"code": MAX_CODE_LENGTH, "product": 120, "variety": 120, "unit": 40, "producer_name": 120,
          "note": 2000, "place": 200, "actor_name": 120}


# --- codes ---------------------------------------------------------------------------------

def code_prefix(text: str | None) -> str:
    """The letters a generated code starts with: the ASCII letters of `text` (a province's short
    code, "DT"), upper-cased, at most four; DEFAULT_PREFIX when there are none."""
    letters = "".join(c for c in (text or "").upper() if "A" <= c <= "Z")[:MAX_PREFIX_LENGTH]
    return letters or DEFAULT_PREFIX


def generate_code(prefix: str, day: date, choose: Callable[[str], str]) -> str:
    """A new lot code for a lot recorded on `day` (the month is in it, for people sorting crates);
    `choose` picks one character of the alphabet (the service passes secrets.choice: the rules
    stay pure)."""
    random_part = "".join(choose(ALPHABET) for _ in range(RANDOM_LENGTH))
    return f"{code_prefix(prefix)}-{day:%y%m}-{random_part}"


def normalise_code(text: str | None) -> str:
    """A typed code as it is stored and looked up: trimmed and upper-cased (nothing else changes,
    so a code that breaks a rule is still shown back as typed, only upper-cased)."""
    return (text or "").strip().upper()


def check_code(code: str) -> str | None:
    """The problem key of a club's own code (already normalised), or None when it can be used."""
    if not code:
        return "required"
    if len(code) > MAX_CODE_LENGTH:
        return "too_long"
    if any(c.isspace() for c in code):
        return "code_spaces"
    if not CODE_PATTERN.fullmatch(code) or code.strip("-_.") == "":
        return "code_characters"
    return None


# --- GTIN ----------------------------------------------------------------------------------

def gs1_check_digit(digits: str) -> int:
    """The GS1 check digit of the digits before it (weights 3,1,3,… from the right)."""
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(digits)))
    return (10 - total % 10) % 10


def read_gtin(text: str | None) -> tuple[str, str | None]:
    """(the GTIN as 14 digits, None), ("", None) when nothing was given, or ("", problem key).
    Spaces and dashes people type between groups are dropped."""
    digits = re.sub(r"[\s-]", "", text or "")
    if not digits:
        return "", None
    if not digits.isascii() or not digits.isdigit() or len(digits) not in (8, 12, 13, 14):
        return "", "gtin_form"
    if gs1_check_digit(digits[:-1]) != int(digits[-1]):
        return "", "gtin_check"
    return digits.zfill(14), None


# --- events --------------------------------------------------------------------------------

def step(kind: str) -> int:
    return EVENT_KINDS.index(kind)


def may_record(kind: str, *, buyer: bool) -> bool:
    """Whether the lot's holder (buyer=False) or an order's buyer (buyer=True) records `kind`."""
    return kind in (BUYER_KINDS if buyer else SELLER_KINDS)


def check_event_order(kind: str, recorded: list[str]) -> str | None:
    """The problem key of a new (uncorrecting) event of `kind` after the kinds already recorded,
    or None: it may repeat or follow the furthest step, not go back before it."""
    if kind not in EVENT_KINDS:
        return "kind_unknown"
    known = [step(k) for k in recorded if k in EVENT_KINDS]
    if known and step(kind) < max(known):
        return "kind_order"
    return None


@dataclass(frozen=True)
class Corrected:
    """What a correction needs to know about the event it corrects."""

    lot_id: int
    kind: str
    organization_id: int | None


def check_correction(original: Corrected | None, *, lot_id: int, kind: str, organization_id: int | None,
                     note: str) -> Problems:
    problems = Problems()
    if original is None or original.lot_id != lot_id:
        problems.add("corrects_event_id", "correction_unknown")
        return problems
    if original.organization_id != organization_id:
        problems.add("corrects_event_id", "correction_not_yours")
    if kind != original.kind:
        problems.add("kind", "correction_kind")
    if not note.strip():
        problems.add("note", "correction_note")
    return problems


# --- quantities ----------------------------------------------------------------------------

def check_quantity(problems: Problems, name: str, quantity: float | None, *, required: bool = True) -> None:
    if quantity is None:
        if required:
            problems.add(name, "required")
    elif quantity <= 0:
        problems.add(name, "positive")
    elif quantity > MAX_QUANTITY:
        problems.add(name, "too_large")


def in_source_unit(quantity: float, unit_kg: float | None, source_unit_kg: float | None, *,
                   same_unit: bool) -> float | None:
    """`quantity` (in its unit) in the source's unit, or None when the two cannot be compared.
    `unit_kg`/`source_unit_kg` are the kilograms one unit weighs (None: a count such as trái)."""
    if same_unit:
        return quantity
    if unit_kg and source_unit_kg:
        return quantity * unit_kg / source_unit_kg
    return None


def fits(taken: list[float | None], left: float) -> bool:
    """Whether what is taken (in the source's unit; None for what cannot be compared) fits in
    what is left of the source (a thousandth's slack for units converted through kilograms)."""
    total = sum(t for t in taken if t is not None)
    return total <= left * 1.001 + 1e-9


def made_within(quantity: float, taken: list[float | None]) -> bool:
    """Whether a lot made from other lots holds no more than was taken from them (in its own unit;
    None for a source that cannot be compared, which leaves the lot unchecked), with fits' slack."""
    if any(t is None for t in taken):
        return True
    return fits([quantity], sum(t for t in taken if t is not None))


def check_dates(problems: Problems, harvested_on: date | None, best_before: date | None, *, today: date) -> None:
    """A harvest is not in the future; best-before is not before the harvest."""
    if harvested_on is not None and harvested_on > today:
        problems.add("harvested_on", "harvest_future")
    if harvested_on is not None and best_before is not None and best_before < harvested_on:
        problems.add("best_before", "best_before_order")


def check_lengths(problems: Problems, texts: dict[str, str]) -> None:
    for name, text in texts.items():
        if len(text) > LIMITS[name]:
            problems.add(name, "too_long")
