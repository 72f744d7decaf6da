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
