"""stripe events and checkout sessions

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('stripe_checkouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('attempt', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_stripe_checkouts_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_checkouts')),
    sa.UniqueConstraint('session_id', name=op.f('uq_stripe_checkouts_session_id'))
    )
    with op.batch_alter_table('stripe_checkouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_checkouts_order_id'), ['order_id'], unique=False)

    op.create_table('stripe_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('type', sa.String(length=100), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('session_id', sa.String(length=255), nullable=True),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_stripe_events_order_id_orders'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stripe_events')),
    sa.UniqueConstraint('event_id', name=op.f('uq_stripe_events_event_id'))
    )
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stripe_events_order_id'), ['order_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stripe_events_received_at'), ['received_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_stripe_events_session_id'), ['session_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('stripe_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_events_session_id'))
        batch_op.drop_index(batch_op.f('ix_stripe_events_received_at'))
        batch_op.drop_index(batch_op.f('ix_stripe_events_order_id'))

    op.drop_table('stripe_events')
    with op.batch_alter_table('stripe_checkouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stripe_checkouts_order_id'))

    op.drop_table('stripe_checkouts')
