"""fairs: fairs and booth kinds, booth applications and their fees, catalogs with sections, entries and
visits, meetings at a fair; contact taps and conversations that came from a fair (issue #17)

Revision ID: 0020
Revises: 0019
"""

import sqlalchemy as sa
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fairs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_en', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('venue', sa.String(length=200), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('organiser_name', sa.String(length=200), nullable=False),
    sa.Column('organiser_org_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('apply_by', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('ends_on >= starts_on', name=op.f('ck_fairs_ends_after_start')),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], name=op.f('fk_fairs_commune_code_communes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_fairs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organiser_org_id'], ['organizations.id'], name=op.f('fk_fairs_organiser_org_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fairs')),
    sa.UniqueConstraint('slug', name=op.f('uq_fairs_slug'))
    )
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fairs_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_organiser_org_id'), ['organiser_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_starts_on'), ['starts_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_fairs_status'), ['status'], unique=False)

    op.create_table('catalogs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('cover_text', sa.Text(), nullable=False),
    sa.Column('cover_text_en', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_catalogs_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_catalogs_fair_id_fairs'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalogs')),
    sa.UniqueConstraint('slug', name=op.f('uq_catalogs_slug'))
    )
    with op.batch_alter_table('catalogs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalogs_fair_id'), ['fair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalogs_status'), ['status'], unique=False)

    op.create_table('fair_booth_kinds',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('name_en', sa.String(length=120), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('given', sa.Integer(), server_default='0', nullable=False),
    sa.Column('fee_vnd', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('number_prefix', sa.String(length=10), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.CheckConstraint('given >= 0 AND given <= count', name=op.f('ck_fair_booth_kinds_given_within_count')),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_fair_booth_kinds_fair_id_fairs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_booth_kinds'))
    )
    with op.batch_alter_table('fair_booth_kinds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_booth_kinds_fair_id'), ['fair_id'], unique=False)

    op.create_table('fair_meetings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('exhibitor_org_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('requested_by_id', sa.Integer(), nullable=True),
    sa.Column('starts_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organizations.id'], name=op.f('fk_fair_meetings_buyer_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['exhibitor_org_id'], ['organizations.id'], name=op.f('fk_fair_meetings_exhibitor_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_fair_meetings_fair_id_fairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_fair_meetings_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requested_by_id'], ['users.id'], name=op.f('fk_fair_meetings_requested_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fair_meetings'))
    )
    with op.batch_alter_table('fair_meetings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_fair_meetings_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_meetings_exhibitor_org_id'), ['exhibitor_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_meetings_fair_id'), ['fair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_fair_meetings_status'), ['status'], unique=False)

    op.create_table('booth_applications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('fair_id', sa.Integer(), nullable=False),
    sa.Column('booth_kind_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('applied_by_id', sa.Integer(), nullable=True),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('products_text', sa.Text(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booth_number', sa.String(length=20), nullable=True),
    sa.Column('fee_vnd', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('payment_method', sa.String(length=10), nullable=True),
    sa.Column('payment_reference', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'], name=op.f('fk_booth_applications_applied_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['booth_kind_id'], ['fair_booth_kinds.id'], name=op.f('fk_booth_applications_booth_kind_id_fair_booth_kinds'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_booth_applications_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['fair_id'], ['fairs.id'], name=op.f('fk_booth_applications_fair_id_fairs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_booth_applications_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_applications')),
    sa.UniqueConstraint('fair_id', 'booth_number', name='uq_booth_applications_fair_booth_number'),
    sa.UniqueConstraint('fair_id', 'org_id', name='uq_booth_applications_fair_org')
    )
    with op.batch_alter_table('booth_applications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booth_applications_booth_kind_id'), ['booth_kind_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booth_applications_fair_id'), ['fair_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booth_applications_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_booth_applications_status'), ['status'], unique=False)

    op.create_table('catalog_sections',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalog_id'], ['catalogs.id'], name=op.f('fk_catalog_sections_catalog_id_catalogs'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_sections'))
    )
    with op.batch_alter_table('catalog_sections', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_sections_catalog_id'), ['catalog_id'], unique=False)

    op.create_table('booth_application_listings',
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['booth_applications.id'], name=op.f('fk_booth_application_listings_application_id_booth_applications'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_booth_application_listings_listing_id_listings'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('application_id', 'listing_id', name=op.f('pk_booth_application_listings'))
    )
    op.create_table('booth_checkouts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('application_id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.String(length=255), nullable=False),
    sa.Column('amount_vnd', sa.BigInteger(), nullable=False),
    sa.Column('url', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['application_id'], ['booth_applications.id'], name=op.f('fk_booth_checkouts_application_id_booth_applications'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_booth_checkouts')),
    sa.UniqueConstraint('session_id', name=op.f('uq_booth_checkouts_session_id'))
    )
    with op.batch_alter_table('booth_checkouts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_booth_checkouts_application_id'), ['application_id'], unique=False)

    op.create_table('catalog_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('note_en', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['catalog_id'], ['catalogs.id'], name=op.f('fk_catalog_entries_catalog_id_catalogs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_catalog_entries_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_catalog_entries_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['section_id'], ['catalog_sections.id'], name=op.f('fk_catalog_entries_section_id_catalog_sections'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_entries'))
    )
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_entries_catalog_id'), ['catalog_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_entries_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_entries_org_id'), ['org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_entries_section_id'), ['section_id'], unique=False)

    op.create_table('catalog_visits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('catalog_id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['catalog_id'], ['catalogs.id'], name=op.f('fk_catalog_visits_catalog_id_catalogs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['entry_id'], ['catalog_entries.id'], name=op.f('fk_catalog_visits_entry_id_catalog_entries'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_visits'))
    )
    with op.batch_alter_table('catalog_visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_visits_catalog_id'), ['catalog_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_visits_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_visits_entry_id'), ['entry_id'], unique=False)

    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fair_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_contact_events_fair_id'), ['fair_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_contact_events_fair_id_fairs'), 'fairs', ['fair_id'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('fair_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_conversations_fair_id'), ['fair_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_conversations_fair_id_fairs'), 'fairs', ['fair_id'], ['id'], ondelete='SET NULL')



def downgrade() -> None:
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_conversations_fair_id_fairs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_conversations_fair_id'))
        batch_op.drop_column('fair_id')

    with op.batch_alter_table('contact_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_contact_events_fair_id_fairs'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_contact_events_fair_id'))
        batch_op.drop_column('fair_id')

    with op.batch_alter_table('catalog_visits', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_visits_entry_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_visits_created_at'))
        batch_op.drop_index(batch_op.f('ix_catalog_visits_catalog_id'))

    op.drop_table('catalog_visits')
    with op.batch_alter_table('catalog_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_entries_section_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_entries_org_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_entries_listing_id'))
        batch_op.drop_index(batch_op.f('ix_catalog_entries_catalog_id'))

    op.drop_table('catalog_entries')
    with op.batch_alter_table('booth_checkouts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booth_checkouts_application_id'))

    op.drop_table('booth_checkouts')
    op.drop_table('booth_application_listings')
    with op.batch_alter_table('catalog_sections', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_sections_catalog_id'))

    op.drop_table('catalog_sections')
    with op.batch_alter_table('booth_applications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_booth_applications_status'))
        batch_op.drop_index(batch_op.f('ix_booth_applications_org_id'))
        batch_op.drop_index(batch_op.f('ix_booth_applications_fair_id'))
        batch_op.drop_index(batch_op.f('ix_booth_applications_booth_kind_id'))

    op.drop_table('booth_applications')
    with op.batch_alter_table('fair_meetings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_meetings_status'))
        batch_op.drop_index(batch_op.f('ix_fair_meetings_fair_id'))
        batch_op.drop_index(batch_op.f('ix_fair_meetings_exhibitor_org_id'))
        batch_op.drop_index(batch_op.f('ix_fair_meetings_buyer_org_id'))

    op.drop_table('fair_meetings')
    with op.batch_alter_table('fair_booth_kinds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fair_booth_kinds_fair_id'))

    op.drop_table('fair_booth_kinds')
    with op.batch_alter_table('catalogs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalogs_status'))
        batch_op.drop_index(batch_op.f('ix_catalogs_fair_id'))

    op.drop_table('catalogs')
    with op.batch_alter_table('fairs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_fairs_status'))
        batch_op.drop_index(batch_op.f('ix_fairs_starts_on'))
        batch_op.drop_index(batch_op.f('ix_fairs_organiser_org_id'))
        batch_op.drop_index(batch_op.f('ix_fairs_commune_code'))

    op.drop_table('fairs')
