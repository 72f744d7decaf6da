"""Problem keys per field, as pure rules report them (no Flask, no translations here)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Problems:
    """Problem keys per field; empty (falsy) when everything can be saved."""

    fields: dict[str, list[str]] = field(default_factory=dict)

    def add(self, name: str, key: str) -> None:
        self.fields.setdefault(name, []).append(key)

    def __bool__(self) -> bool:
        return bool(self.fields)


def check_quantity(problems: Problems, name: str, quantity: float | None, maximum: float) -> None:
    """Required, above zero, not absurd: the same for a listing, a request and an offer."""
    if quantity is None:
        problems.add(name, "required")
    elif quantity <= 0:
        problems.add(name, "positive")
    elif quantity > maximum:
        problems.add(name, "too_large")


def check_lengths(problems: Problems, texts: dict[str, str], limits: dict[str, int]) -> None:
    for name, text in texts.items():
        if len(text) > limits[name]:
            problems.add(name, "too_long")
