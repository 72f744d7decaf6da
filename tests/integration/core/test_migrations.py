"""The Alembic revisions build exactly the schema the models describe."""

import datetime
from contextlib import contextmanager

import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import text

from marketplace import db, schema
from marketplace.models import metadata
from tests.database import forget_database, fresh_database_url


def test_database_is_at_head(session):
    # The test's own connection: on SQLite a second one would wait for the test's write lock.
    context = MigrationContext.configure(session.connection())
    assert context.get_current_revision() == schema.head_revision()


def test_models_and_migrations_agree(session):
    context = MigrationContext.configure(session.connection(), opts={"compare_type": True})
    assert compare_metadata(context, metadata) == []


def test_reference_data_loads_once(session):
    again = schema.load_reference_data(session)
    assert again == {"communes": 0, "taxonomy_changes": 0}


@contextmanager
def _scratch_engine(tmp_path_factory, name: str):
    """An engine on a database of its own, made empty for the test and dropped after it."""
    engine = db.make_engine(fresh_database_url(tmp_path_factory, name))
    try:
        yield engine
    finally:
        engine.dispose()
        forget_database(name)


def _insert(connection, table: str, **values) -> None:
    """A row with the given values and a plain value in every other column that needs one."""
    reflected = sa.Table(table, sa.MetaData(), autoload_with=connection)
    for column in reflected.columns:
        if column.name in values or column.nullable or column.server_default is not None:
            continue
        kind = column.type.python_type if hasattr(column.type, "python_type") else str
        values[column.name] = {bool: False, int: 0, float: 0.0, datetime.date: datetime.date(2026, 1, 1),
                               datetime.datetime: datetime.datetime(2026, 1, 1)}.get(kind, "x")
    connection.execute(reflected.insert().values(**values))


def test_an_upgrade_keeps_rows_that_other_tables_point_at(tmp_path_factory):
    """0012 rebuilds tables (products, listings) that other rows point at: on SQLite that means
    copying each table and dropping the old one, which foreign keys forbid unless the upgrade
    turns them off and checks them itself. Upgrading a database with data must keep every row."""
    with _scratch_engine(tmp_path_factory, "upgrade") as engine:
        schema.upgrade(engine, "0011")
        with engine.begin() as connection:
            _insert(connection, "categories", code="fruit", name_vi="Trái cây", name_en="Fruit")
            _insert(connection, "products", id=1, slug="xoai", category_code="fruit", name_vi="Xoài")
            _insert(connection, "organizations", id=1, kind="club", name="HQ", ref="hq-1")
            _insert(connection, "listings", id=1, organization_id=1, product_id=1, unit="kg", quantity=5,
                    quantity_available=5)
        schema.upgrade(engine)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT product_id, unit FROM listings")).all() == [(1, "kg")]
            assert connection.execute(text("SELECT in_catalogue FROM products")).scalar() in (True, 1)


def test_0019_reads_free_text_markets_into_codes_and_keeps_the_rest(tmp_path_factory):
    """The old demand form stored the market as typed, upper-cased: "TRUNG QUOC" becomes CN, a
    code stays, and what names no market is kept as written for staff (and put back on downgrade)."""
    written = {1: "TRUNG QUOC", 2: "CN", 3: "XỨ WAKANDA", 4: "", 5: "MỸ"}
    with _scratch_engine(tmp_path_factory, "markets") as engine:
        schema.upgrade(engine, "0018")
        with engine.begin() as connection:
            _insert(connection, "categories", code="fruit", name_vi="Trái cây", name_en="Fruit")
            _insert(connection, "products", id=1, slug="xoai", category_code="fruit", name_vi="Xoài")
            _insert(connection, "organizations", id=1, kind="exporter", name="XK", ref="xk-1")
            for post_id, market in written.items():
                _insert(connection, "demand_posts", id=post_id, organization_id=1, product_id=1, unit="kg",
                        quantity=5, export_market=market)
        schema.upgrade(engine, "0019")
        query = text("SELECT id, export_market, export_market_as_written FROM demand_posts ORDER BY id")
        with engine.connect() as connection:
            assert connection.execute(query).all() == [
                (1, "CN", ""), (2, "CN", ""), (3, "", "XỨ WAKANDA"), (4, "", ""), (5, "US", "")]
        with engine.begin() as connection:
            command.downgrade(schema.alembic_config(connection=connection), "0018")
        with engine.connect() as connection:
            assert connection.execute(text("SELECT export_market FROM demand_posts ORDER BY id")).scalars().all() == [
                "CN", "CN", "XỨ WAKANDA", "", "US"]


def test_0024_clears_badges_set_by_data_and_keeps_verified_buyers(tmp_path_factory):
    """The badge is never set by data alone (issue #19): a club or cooperative marked verified by seed
    data loses it until staff verify its founding decision; a verified buyer (its tax code checked
    by staff) keeps it, now as an active record and event whose date is unknown."""
    with _scratch_engine(tmp_path_factory, "verified") as engine:
        schema.upgrade(engine, "0023")
        with engine.begin() as connection:
            _insert(connection, "organizations", id=1, kind="cooperative", name="HTX", ref="htx-1", verified=True)
            _insert(connection, "organizations", id=2, kind="supermarket", name="ST", ref="st-1", verified=True,
                    tax_code="0312345678")
            _insert(connection, "organizations", id=3, kind="club", name="HQ", ref="hq-1", verified=False)
        schema.upgrade(engine, "0024")
        with engine.connect() as connection:
            verified = connection.execute(text("SELECT id, verified FROM organizations ORDER BY id")).all()
            assert [(org_id, bool(flag)) for org_id, flag in verified] == [(1, False), (2, True), (3, False)]
            assert connection.execute(text("SELECT organization_id, status, verified_at FROM organization_records"
                                           )).all() == [(2, "active", None)]
            assert connection.execute(text("SELECT organization_id, action, to_status FROM organization_events"
                                           )).all() == [(2, "verify", "active")]
