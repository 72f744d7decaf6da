"""open catalogue: products kept as typed until staff map them, names staff mapped, units as typed, a grade on requests

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

# A unit may be a weighed pack ("thùng 10 kg") or whatever a sheet said ("bịch"): 40 characters.
WIDER_UNITS = (('listings', 'unit'), ('demand_posts', 'unit'), ('orders', 'unit'), ('orders', 'price_unit'))


def upgrade() -> None:
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_catalogue', sa.Boolean(), nullable=False, server_default=sa.true()))
        batch_op.add_column(sa.Column('staff_synonyms', sa.Text(), nullable=False, server_default=''))
        batch_op.create_index('ix_products_in_catalogue', ['in_catalogue'], unique=False)
    with op.batch_alter_table('varieties', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_synonyms', sa.Text(), nullable=False, server_default=''))
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grade', sa.String(length=60), nullable=False, server_default=''))
    for table, column in WIDER_UNITS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=10), type_=sa.String(length=40),
                                  existing_nullable=False)


def downgrade() -> None:
    for table, column in WIDER_UNITS:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column(column, existing_type=sa.String(length=40), type_=sa.String(length=10),
                                  existing_nullable=False)
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.drop_column('grade')
    with op.batch_alter_table('varieties', schema=None) as batch_op:
        batch_op.drop_column('staff_synonyms')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_in_catalogue')
        batch_op.drop_column('staff_synonyms')
        batch_op.drop_column('in_catalogue')
