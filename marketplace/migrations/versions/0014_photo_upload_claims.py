"""photo upload claims: the hourly photo budget per user (issue #14)

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('photo_upload_claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('photos', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_photo_upload_claims_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photo_upload_claims'))
    )
    with op.batch_alter_table('photo_upload_claims', schema=None) as batch_op:
        batch_op.create_index('ix_photo_upload_claims_user_created', ['user_id', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('photo_upload_claims', schema=None) as batch_op:
        batch_op.drop_index('ix_photo_upload_claims_user_created')
    op.drop_table('photo_upload_claims')
