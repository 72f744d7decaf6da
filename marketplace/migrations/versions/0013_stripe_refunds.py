"""stripe_events: the payment intent of a paid session, and the automatic refund of money taken
but not applied to an order

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment_intent', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('refund_status', sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column('refund_id', sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column('refund_attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('refund_tried_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('refunded_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_stripe_events_refund_status', ['refund_status'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.drop_index('ix_stripe_events_refund_status')
        batch_op.drop_column('refunded_at')
        batch_op.drop_column('refund_tried_at')
        batch_op.drop_column('refund_attempts')
        batch_op.drop_column('refund_id')
        batch_op.drop_column('refund_status')
        batch_op.drop_column('payment_intent')
