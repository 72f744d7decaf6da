"""credential date history: a credential event of action "dates" carries the end date (a code's
valid_until, a certificate's expires_on) and the issue date in force before the change, so a renewal
neither hides that the credential had expired on a past day nor makes a day it was valid "not yet
issued" (issue #18, review finding 4)

Revision ID: 0023
Revises: 0022
"""

import sqlalchemy as sa
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('credential_events') as batch_op:
        batch_op.add_column(sa.Column('valid_until_before', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('issued_on_before', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('credential_events') as batch_op:
        batch_op.drop_column('issued_on_before')
        batch_op.drop_column('valid_until_before')
