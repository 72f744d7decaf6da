"""lot events: who recorded one (organization_id, which decides which buyer "Received by" names)
may change only to NULL, when that organisation is deleted (review of issue #18)

0021's append-only triggers guard what an event says but not lot_events.organization_id: an
UPDATE could have moved a receipt to another buyer. A trigger of its own refuses any change of it
but to NULL (ON DELETE SET NULL of the organisation still works). 0021's triggers are left as
they are.

Revision ID: 0022
Revises: 0021
"""

from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None

_MESSAGE = "lot events are append-only: who recorded one may only be cleared"
_SQLITE = (
    "CREATE TRIGGER lot_events_organization_cleared_only BEFORE UPDATE OF organization_id ON lot_events "
    "WHEN NEW.organization_id IS NOT NULL AND (OLD.organization_id IS NULL "
    "OR NEW.organization_id <> OLD.organization_id) "
    f"BEGIN SELECT RAISE(ABORT, '{_MESSAGE}'); END",
)
_POSTGRESQL = (
    f"""CREATE FUNCTION lot_events_organization_cleared_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_MESSAGE}' USING ERRCODE = 'restrict_violation';
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER lot_events_organization_cleared_only BEFORE UPDATE OF organization_id ON lot_events "
    "FOR EACH ROW WHEN (NEW.organization_id IS NOT NULL AND NEW.organization_id IS DISTINCT FROM OLD.organization_id) "
    "EXECUTE FUNCTION lot_events_organization_cleared_only()",
)


def _sqlite() -> bool:
    return op.get_bind().dialect.name == "sqlite"


def upgrade() -> None:
    for statement in _SQLITE if _sqlite() else _POSTGRESQL:
        op.execute(statement)


def downgrade() -> None:
    if _sqlite():
        op.execute("DROP TRIGGER IF EXISTS lot_events_organization_cleared_only")
        return
    op.execute("DROP TRIGGER IF EXISTS lot_events_organization_cleared_only ON lot_events")
    op.execute("DROP FUNCTION IF EXISTS lot_events_organization_cleared_only()")
