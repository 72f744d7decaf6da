"""Alembic environment: runs against the connection that marketplace.schema hands it."""

from __future__ import annotations

from alembic import context

from marketplace.models import metadata

config = context.config


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through `marketplace init-db` (marketplace.schema)")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite cannot ALTER most things
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise RuntimeError("offline migrations are not supported; use `marketplace init-db`")
run_migrations_online()
