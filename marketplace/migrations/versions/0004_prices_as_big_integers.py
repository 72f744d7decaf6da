"""prices as big integers (up to 10 billion dong)

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.alter_column('price_min_vnd',
               existing_type=sa.INTEGER(),
               type_=sa.BigInteger(),
               existing_nullable=True)
        batch_op.alter_column('price_max_vnd',
               existing_type=sa.INTEGER(),
               type_=sa.BigInteger(),
               existing_nullable=True)

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.alter_column('price_vnd',
               existing_type=sa.INTEGER(),
               type_=sa.BigInteger(),
               existing_nullable=True)

    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.alter_column('price_vnd',
               existing_type=sa.INTEGER(),
               type_=sa.BigInteger(),
               existing_nullable=True)



def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.alter_column('price_vnd',
               existing_type=sa.BigInteger(),
               type_=sa.INTEGER(),
               existing_nullable=True)

    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.alter_column('price_vnd',
               existing_type=sa.BigInteger(),
               type_=sa.INTEGER(),
               existing_nullable=True)

    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.alter_column('price_max_vnd',
               existing_type=sa.BigInteger(),
               type_=sa.INTEGER(),
               existing_nullable=True)
        batch_op.alter_column('price_min_vnd',
               existing_type=sa.BigInteger(),
               type_=sa.INTEGER(),
               existing_nullable=True)

