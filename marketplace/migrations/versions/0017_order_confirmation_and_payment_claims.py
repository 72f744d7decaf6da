"""orders: the confirmation page's placing key, the buyer's "I have paid" (issue #16)

Revision ID: 0017
Revises: 0016
"""

import sqlalchemy as sa
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.add_column(sa.Column('placing_key', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('payment_claimed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_unique_constraint(batch_op.f('uq_orders_buyer_org_id'), ['buyer_org_id', 'placing_key'])
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), server_default='status', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('order_events', schema=None) as batch_op:
        batch_op.drop_column('kind')
    with op.batch_alter_table('orders', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('uq_orders_buyer_org_id'), type_='unique')
        batch_op.drop_column('payment_claimed_at')
        batch_op.drop_column('placing_key')
