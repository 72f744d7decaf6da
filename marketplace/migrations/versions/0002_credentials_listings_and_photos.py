"""credentials, listings and photos

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('certificates',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=12), nullable=False),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('product_text', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('stars', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=20), nullable=False),
    sa.Column('issuer', sa.String(length=200), nullable=False),
    sa.Column('scope', sa.Text(), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('expires_on', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_certificates_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_certificates_product_id_products')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_certificates_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificates')),
    sa.UniqueConstraint('type', 'number', name=op.f('uq_certificates_type'))
    )
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificates_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificates_status'), ['status'], unique=False)

    op.create_table('code_claim_flags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('holder_id', sa.Integer(), nullable=False),
    sa.Column('claimant_id', sa.Integer(), nullable=False),
    sa.Column('claimed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['claimant_id'], ['organizations.id'], name=op.f('fk_code_claim_flags_claimant_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['claimed_by_id'], ['users.id'], name=op.f('fk_code_claim_flags_claimed_by_id_users')),
    sa.ForeignKeyConstraint(['holder_id'], ['organizations.id'], name=op.f('fk_code_claim_flags_holder_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_code_claim_flags'))
    )
    with op.batch_alter_table('code_claim_flags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_code_claim_flags_code'), ['code'], unique=False)

    op.create_table('listings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=60), nullable=True),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('product_text', sa.String(length=120), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=True),
    sa.Column('variety_text', sa.String(length=120), nullable=False),
    sa.Column('grade', sa.String(length=60), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('quantity_available', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('unit', sa.String(length=10), nullable=False),
    sa.Column('min_order', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('price_vnd', sa.Integer(), nullable=True),
    sa.Column('price_negotiable', sa.Boolean(), nullable=False),
    sa.Column('available_from', sa.Date(), nullable=False),
    sa.Column('available_to', sa.Date(), nullable=False),
    sa.Column('delivery_area', sa.String(length=300), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('producer_name', sa.String(length=120), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_listings_created_by_id_users')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_listings_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_listings_product_id_products')),
    sa.ForeignKeyConstraint(['variety_id'], ['varieties.id'], name=op.f('fk_listings_variety_id_varieties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_listings')),
    sa.UniqueConstraint('ref', name=op.f('uq_listings_ref'))
    )
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_listings_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_listings_status'), ['status'], unique=False)

    op.create_table('planting_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('crop', sa.String(length=120), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('variety', sa.String(length=120), nullable=False),
    sa.Column('area_ha', sa.Numeric(precision=10, scale=2, asdecimal=False), nullable=True),
    sa.Column('households', sa.Integer(), nullable=True),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('markets', sa.String(length=200), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=True),
    sa.Column('valid_until', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('verified_by_id', sa.Integer(), nullable=True),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], name=op.f('fk_planting_codes_commune_code_communes')),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_planting_codes_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_planting_codes_product_id_products')),
    sa.ForeignKeyConstraint(['verified_by_id'], ['users.id'], name=op.f('fk_planting_codes_verified_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_planting_codes')),
    sa.UniqueConstraint('code', name=op.f('uq_planting_codes_code'))
    )
    with op.batch_alter_table('planting_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planting_codes_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planting_codes_status'), ['status'], unique=False)

    op.create_table('credential_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=True),
    sa.Column('planting_code_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('from_status', sa.String(length=12), nullable=False),
    sa.Column('to_status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['users.id'], name=op.f('fk_credential_events_actor_id_users')),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_credential_events_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['planting_code_id'], ['planting_codes.id'], name=op.f('fk_credential_events_planting_code_id_planting_codes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credential_events'))
    )
    with op.batch_alter_table('credential_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_events_certificate_id'), ['certificate_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_credential_events_planting_code_id'), ['planting_code_id'], unique=False)

    op.create_table('listing_certificates',
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('certificate_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['certificate_id'], ['certificates.id'], name=op.f('fk_listing_certificates_certificate_id_certificates'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_certificates_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('listing_id', 'certificate_id', name=op.f('pk_listing_certificates'))
    )
    op.create_table('listing_planting_codes',
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.Column('planting_code_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_listing_planting_codes_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['planting_code_id'], ['planting_codes.id'], name=op.f('fk_listing_planting_codes_planting_code_id_planting_codes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('listing_id', 'planting_code_id', name=op.f('pk_listing_planting_codes'))
    )
    op.create_table('photos',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('alt', sa.String(length=200), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_photos_listing_id_listings'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_photos_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['users.id'], name=op.f('fk_photos_uploaded_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_photos')),
    sa.UniqueConstraint('key', name=op.f('uq_photos_key'))
    )
    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_photos_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_photos_organization_id'), ['organization_id'], unique=False)

    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('tourism_offer', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('grows', sa.Text(), nullable=False, server_default=''))



def downgrade() -> None:
    with op.batch_alter_table('organizations', schema=None) as batch_op:
        batch_op.drop_column('grows')
        batch_op.drop_column('tourism_offer')

    with op.batch_alter_table('photos', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_photos_organization_id'))
        batch_op.drop_index(batch_op.f('ix_photos_listing_id'))

    op.drop_table('photos')
    op.drop_table('listing_planting_codes')
    op.drop_table('listing_certificates')
    with op.batch_alter_table('credential_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_events_planting_code_id'))
        batch_op.drop_index(batch_op.f('ix_credential_events_certificate_id'))

    op.drop_table('credential_events')
    with op.batch_alter_table('planting_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planting_codes_status'))
        batch_op.drop_index(batch_op.f('ix_planting_codes_organization_id'))

    op.drop_table('planting_codes')
    with op.batch_alter_table('listings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_listings_status'))
        batch_op.drop_index(batch_op.f('ix_listings_product_id'))
        batch_op.drop_index(batch_op.f('ix_listings_organization_id'))

    op.drop_table('listings')
    with op.batch_alter_table('code_claim_flags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_code_claim_flags_code'))

    op.drop_table('code_claim_flags')
    with op.batch_alter_table('certificates', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_certificates_status'))
        batch_op.drop_index(batch_op.f('ix_certificates_organization_id'))

    op.drop_table('certificates')
