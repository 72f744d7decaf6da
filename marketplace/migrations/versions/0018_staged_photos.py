"""staged photos: photos sent ahead of their listing form, kept across form errors (issue #16)

Revision ID: 0018
Revises: 0017
"""

import sqlalchemy as sa
from alembic import op

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('staged_photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staged_photos_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staged_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_staged_photos_key'))
    )
    with op.batch_alter_table('staged_photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staged_photos_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_staged_photos_user_id'), ['user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('staged_photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staged_photos_user_id'))
        batch_op.drop_index(batch_op.f('ix_staged_photos_expires_at'))
    op.drop_table('staged_photos')
