"""Marshmallow fields the API's response schemas share.

`Timestamp` writes a moment with its UTC offset. The `Computed…` fields take their value from a
method of the schema instead of an attribute, for values that depend on the day or on who asks
(a credential's validity, a buyer shown only to signed-in callers); being subclasses of the plain
fields, they are documented with the plain field's type.
"""

from __future__ import annotations

from datetime import UTC, datetime

from marshmallow import fields, missing


class Timestamp(fields.DateTime):
    """RFC 3339 with its offset, as `date-time` promises: SQLite hands back the UTC moments it
    stores without their zone, PostgreSQL with it."""

    def _serialize(self, value: datetime | None, attr, obj, **kwargs) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value.astimezone(UTC).isoformat()


class Quantity(fields.Float):
    """A quantity as the database hands it back, as the API has always sent it: SQLite returns a
    whole NUMERIC as an integer (5), PostgreSQL as a float (5.0). Clients read a JSON number."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value if value is None or isinstance(value, int | float) else float(value)


class _FromSchemaMethod:
    """The value is `schema.<method>(obj)`; a method that returns `missing` leaves the key out."""

    def __init__(self, method: str, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.method = method

    def get_value(self, obj, attr, accessor=None, default=missing):
        return getattr(self.root, self.method)(obj)


class ComputedString(_FromSchemaMethod, fields.String):
    pass


class ComputedInteger(_FromSchemaMethod, fields.Integer):
    pass


class ComputedBoolean(_FromSchemaMethod, fields.Boolean):
    pass


class ComputedDate(_FromSchemaMethod, fields.Date):
    pass


class ComputedDict(_FromSchemaMethod, fields.Dict):
    pass


class ComputedList(_FromSchemaMethod, fields.List):
    pass


class ComputedNested(_FromSchemaMethod, fields.Nested):
    pass


class ComputedUrl(_FromSchemaMethod, fields.Url):
    pass
