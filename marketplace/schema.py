"""Creating and upgrading the schema with Alembic, and loading reference data."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from marketplace.places.services import load_places
from marketplace.products.services import load_taxonomy

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(engine: Engine | None = None, connection=None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    if engine.dialect.name != "sqlite":
        with engine.begin() as connection:
            command.upgrade(alembic_config(connection=connection), revision)
        return
    # SQLite changes a column by copying the table into a new one and dropping the old, and with
    # foreign keys on, dropping a table that other rows point at fails (products, listings…).
    # SQLite's own recipe: foreign keys off outside the transaction, check them before commit.
    with engine.connect() as connection:
        raw = connection.connection.driver_connection
        raw.execute("PRAGMA foreign_keys = OFF")  # autocommit: a PRAGMA inside a transaction is ignored
        try:
            with connection.begin():
                command.upgrade(alembic_config(connection=connection), revision)
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the upgrade left rows pointing nowhere: {broken[:5]}")
        finally:
            raw.execute("PRAGMA foreign_keys = ON")


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def load_reference_data(db: Session) -> dict[str, int]:
    """Places and the product taxonomy: needed by every database, demo or not."""
    source = load_places(db)
    changes = load_taxonomy(db)
    return {"communes": source.communes if source else 0, "taxonomy_changes": changes}
