"""The Alembic revisions build exactly the schema the models describe."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from marketplace import schema
from marketplace.models import metadata


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
