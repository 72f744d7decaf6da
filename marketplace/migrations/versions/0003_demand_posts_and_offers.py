"""demand posts and offers

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('demand_posts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('product_text', sa.String(length=120), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=True),
    sa.Column('variety_text', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('frequency', sa.String(length=10), nullable=False),
    sa.Column('needed_from', sa.Date(), nullable=False),
    sa.Column('needed_to', sa.Date(), nullable=False),
    sa.Column('delivery_commune_code', sa.String(length=5), nullable=True),
    sa.Column('price_min_vnd', sa.Integer(), nullable=True),
    sa.Column('price_max_vnd', sa.Integer(), nullable=True),
    sa.Column('required_certificates', sa.String(length=60), nullable=False),
    sa.Column('min_ocop_stars', sa.Integer(), nullable=True),
    sa.Column('needs_planting_code', sa.Boolean(), nullable=False),
    sa.Column('export_market', sa.String(length=40), nullable=False),
    sa.Column('quality_notes', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_demand_posts_created_by_id_users')),
    sa.ForeignKeyConstraint(['delivery_commune_code'], ['communes.code'], name=op.f('fk_demand_posts_delivery_commune_code_communes')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_demand_posts_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_demand_posts_product_id_products')),
    sa.ForeignKeyConstraint(['variety_id'], ['varieties.id'], name=op.f('fk_demand_posts_variety_id_varieties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_demand_posts')),
    sa.UniqueConstraint('ref', name=op.f('uq_demand_posts_ref'))
    )
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_demand_posts_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_posts_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_demand_posts_status'), ['status'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('demand_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('price_vnd', sa.Integer(), nullable=True),
    sa.Column('delivery_date', sa.Date(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_offers_created_by_id_users')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_offers_decided_by_id_users')),
    sa.ForeignKeyConstraint(['demand_id'], ['demand_posts.id'], name=op.f('fk_offers_demand_id_demand_posts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_offers_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_offers_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_offers'))
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_demand_id'), ['demand_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_offers_status'), ['status'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_offers_status'))
        batch_op.drop_index(batch_op.f('ix_offers_organization_id'))
        batch_op.drop_index(batch_op.f('ix_offers_demand_id'))

    op.drop_table('offers')
    with op.batch_alter_table('demand_posts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_demand_posts_status'))
        batch_op.drop_index(batch_op.f('ix_demand_posts_product_id'))
        batch_op.drop_index(batch_op.f('ix_demand_posts_organization_id'))

    op.drop_table('demand_posts')
