"""traceability lots (their append-only events, links, the lots an order delivered), linked sales
chains (parties, planned deliveries, orders against them), rural tourism offers and bookings, a
club's steps towards a cooperative (issue #18)

Revision ID: 0021
Revises: 0020
"""

import sqlalchemy as sa
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


# A lot's events are append-only: what they say never changes, and one is never deleted while its
# lot exists (a correction is a new event). The columns a deleted order, organisation or user sets
# to NULL may change; a lot that goes (its organisation deleted) takes its events with it.
_CONTENT = ("OF lot_id, kind, happened_at, commune_code, place, actor_name, quantity, unit, note, corrects_id, "
            "buyer_named, created_at")
_SQLITE_TRIGGERS = (
    "CREATE TRIGGER lot_events_no_update BEFORE UPDATE " + _CONTENT + " ON lot_events "
    "BEGIN SELECT RAISE(ABORT, 'lot events are append-only: record a correction instead'); END",
    "CREATE TRIGGER lot_events_no_delete BEFORE DELETE ON lot_events "
    "WHEN EXISTS (SELECT 1 FROM lots WHERE lots.id = OLD.lot_id) "
    "BEGIN SELECT RAISE(ABORT, 'lot events are append-only: record a correction instead'); END",
)
_POSTGRESQL_TRIGGERS = (
    """CREATE FUNCTION lot_events_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' OR EXISTS (SELECT 1 FROM lots WHERE lots.id = OLD.lot_id) THEN
        RAISE EXCEPTION 'lot events are append-only: record a correction instead'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN OLD;
END $$ LANGUAGE plpgsql""",
    "CREATE TRIGGER lot_events_no_update BEFORE UPDATE " + _CONTENT + " ON lot_events "
    "FOR EACH ROW EXECUTE FUNCTION lot_events_append_only()",
    "CREATE TRIGGER lot_events_no_delete BEFORE DELETE ON lot_events "
    "FOR EACH ROW EXECUTE FUNCTION lot_events_append_only()",
)


def _create_append_only_triggers() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for statement in _SQLITE_TRIGGERS if sqlite else _POSTGRESQL_TRIGGERS:
        op.execute(statement)


def _drop_append_only_triggers() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER IF EXISTS lot_events_no_update")
        op.execute("DROP TRIGGER IF EXISTS lot_events_no_delete")
        return
    op.execute("DROP TRIGGER IF EXISTS lot_events_no_update ON lot_events")
    op.execute("DROP TRIGGER IF EXISTS lot_events_no_delete ON lot_events")
    op.execute("DROP FUNCTION IF EXISTS lot_events_append_only()")


def upgrade() -> None:
    op.create_table('chains',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('buyer_org_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('product_text', sa.String(length=120), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=True),
    sa.Column('variety_text', sa.String(length=120), nullable=False),
    sa.Column('season_from', sa.Date(), nullable=False),
    sa.Column('season_to', sa.Date(), nullable=False),
    sa.Column('total_quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('per_delivery_quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('price_terms', sa.String(length=10), nullable=False),
    sa.Column('price_vnd', sa.BigInteger(), nullable=True),
    sa.Column('price_unit', sa.String(length=40), nullable=False),
    sa.Column('price_note', sa.Text(), nullable=False),
    sa.Column('quality_standard', sa.Text(), nullable=False),
    sa.Column('requires_growing_area_code', sa.Boolean(), nullable=False),
    sa.Column('required_certificates', sa.String(length=100), nullable=False),
    sa.Column('schedule_note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('buyer_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status_reason', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('season_to >= season_from', name=op.f('ck_chains_season_ends_after_start')),
    sa.ForeignKeyConstraint(['buyer_org_id'], ['organizations.id'], name=op.f('fk_chains_buyer_org_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_chains_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_chains_product_id_products')),
    sa.ForeignKeyConstraint(['variety_id'], ['varieties.id'], name=op.f('fk_chains_variety_id_varieties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chains'))
    )
    with op.batch_alter_table('chains', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chains_buyer_org_id'), ['buyer_org_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chains_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chains_status'), ['status'], unique=False)

    op.create_table('cooperative_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('club_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=12), nullable=False),
    sa.Column('taken_on', sa.Date(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('cooperative_id', sa.Integer(), nullable=True),
    sa.Column('households_joined', sa.Integer(), nullable=True),
    sa.Column('members_joined', sa.Text(), nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['club_id'], ['organizations.id'], name=op.f('fk_cooperative_steps_club_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cooperative_id'], ['organizations.id'], name=op.f('fk_cooperative_steps_cooperative_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_cooperative_steps_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cooperative_steps'))
    )
    with op.batch_alter_table('cooperative_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cooperative_steps_club_id'), ['club_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cooperative_steps_cooperative_id'), ['cooperative_id'], unique=False)

    op.create_table('tourism_offers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('title_en', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('description_en', sa.Text(), nullable=False),
    sa.Column('months', sa.String(length=40), nullable=False),
    sa.Column('min_group', sa.Integer(), nullable=True),
    sa.Column('max_group', sa.Integer(), nullable=True),
    sa.Column('price_per_person_vnd', sa.BigInteger(), nullable=True),
    sa.Column('included', sa.Text(), nullable=False),
    sa.Column('directions', sa.Text(), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('max_group IS NULL OR min_group IS NULL OR max_group >= min_group', name=op.f('ck_tourism_offers_group_range')),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], name=op.f('fk_tourism_offers_commune_code_communes')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_tourism_offers_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_tourism_offers_organization_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tourism_offers'))
    )
    with op.batch_alter_table('tourism_offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tourism_offers_commune_code'), ['commune_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_offers_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_offers_status'), ['status'], unique=False)

    op.create_table('chain_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('seller_org_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_chain_deliveries_chain_id_chains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['seller_org_id'], ['organizations.id'], name=op.f('fk_chain_deliveries_seller_org_id_organizations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_deliveries'))
    )
    with op.batch_alter_table('chain_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_deliveries_chain_id'), ['chain_id'], unique=False)

    op.create_table('chain_parties',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('org_id', sa.Integer(), nullable=False),
    sa.Column('share_quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('accepted_by_id', sa.Integer(), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decline_reason', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['accepted_by_id'], ['users.id'], name=op.f('fk_chain_parties_accepted_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_chain_parties_chain_id_chains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['org_id'], ['organizations.id'], name=op.f('fk_chain_parties_org_id_organizations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_parties')),
    sa.UniqueConstraint('chain_id', 'org_id', name=op.f('uq_chain_parties_chain_id'))
    )
    with op.batch_alter_table('chain_parties', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_parties_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_parties_org_id'), ['org_id'], unique=False)

    op.create_table('tourism_bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=False),
    sa.Column('visit_on', sa.Date(), nullable=False),
    sa.Column('group_size', sa.Integer(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=False),
    sa.Column('contact_phone', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_on', sa.Date(), nullable=True),
    sa.Column('reply', sa.Text(), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('group_size > 0', name=op.f('ck_tourism_bookings_group_size_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['users.id'], name=op.f('fk_tourism_bookings_decided_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['offer_id'], ['tourism_offers.id'], name=op.f('fk_tourism_bookings_offer_id_tourism_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_tourism_bookings_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['visitor_id'], ['users.id'], name=op.f('fk_tourism_bookings_visitor_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tourism_bookings'))
    )
    with op.batch_alter_table('tourism_bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_tourism_bookings_offer_id'), ['offer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_bookings_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_bookings_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_bookings_visit_on'), ['visit_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_tourism_bookings_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=False),
    sa.Column('listing_id', sa.Integer(), nullable=True),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('product_text', sa.String(length=120), nullable=False),
    sa.Column('variety_id', sa.Integer(), nullable=True),
    sa.Column('variety_text', sa.String(length=120), nullable=False),
    sa.Column('gtin', sa.String(length=14), nullable=False),
    sa.Column('growing_area_id', sa.Integer(), nullable=True),
    sa.Column('packing_house_id', sa.Integer(), nullable=True),
    sa.Column('harvested_on', sa.Date(), nullable=True),
    sa.Column('best_before', sa.Date(), nullable=True),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=False),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('producer_name', sa.String(length=120), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('scan_count', sa.BigInteger(), server_default='0', nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_lots_created_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['growing_area_id'], ['planting_codes.id'], name=op.f('fk_lots_growing_area_id_planting_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['listing_id'], ['listings.id'], name=op.f('fk_lots_listing_id_listings'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_lots_organization_id_organizations'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['packing_house_id'], ['planting_codes.id'], name=op.f('fk_lots_packing_house_id_planting_codes'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_lots_product_id_products')),
    sa.ForeignKeyConstraint(['variety_id'], ['varieties.id'], name=op.f('fk_lots_variety_id_varieties')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lots')),
    sa.UniqueConstraint('code', name=op.f('uq_lots_code'))
    )
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lots_growing_area_id'), ['growing_area_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_gtin'), ['gtin'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_listing_id'), ['listing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_organization_id'), ['organization_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_packing_house_id'), ['packing_house_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lots_product_id'), ['product_id'], unique=False)

    op.create_table('tourism_offer_photos',
    sa.Column('offer_id', sa.Integer(), nullable=False),
    sa.Column('photo_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['offer_id'], ['tourism_offers.id'], name=op.f('fk_tourism_offer_photos_offer_id_tourism_offers'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['photo_id'], ['photos.id'], name=op.f('fk_tourism_offer_photos_photo_id_photos'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('offer_id', 'photo_id', name=op.f('pk_tourism_offer_photos'))
    )
    op.create_table('chain_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('chain_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('delivery_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['chain_id'], ['chains.id'], name=op.f('fk_chain_orders_chain_id_chains'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['delivery_id'], ['chain_deliveries.id'], name=op.f('fk_chain_orders_delivery_id_chain_deliveries'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_chain_orders_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_chain_orders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_chain_orders_order_id'))
    )
    with op.batch_alter_table('chain_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chain_orders_chain_id'), ['chain_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_chain_orders_delivery_id'), ['delivery_id'], unique=False)

    op.create_table('lot_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('happened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('commune_code', sa.String(length=5), nullable=True),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('actor_name', sa.String(length=120), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('unit', sa.String(length=40), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('corrects_id', sa.Integer(), nullable=True),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('buyer_named', sa.Boolean(), nullable=False),
    sa.Column('organization_id', sa.Integer(), nullable=True),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['commune_code'], ['communes.code'], name=op.f('fk_lot_events_commune_code_communes')),
    sa.ForeignKeyConstraint(['corrects_id'], ['lot_events.id'], name=op.f('fk_lot_events_corrects_id_lot_events')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_events_lot_id_lots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_lot_events_order_id_orders'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['organization_id'], ['organizations.id'], name=op.f('fk_lot_events_organization_id_organizations'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_lot_events_recorded_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_events'))
    )
    with op.batch_alter_table('lot_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_events_corrects_id'), ['corrects_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_events_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_events_order_id'), ['order_id'], unique=False)

    op.create_table('lot_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('source_id <> lot_id', name=op.f('ck_lot_links_not_itself')),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_lot_links_lot_id_lots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['source_id'], ['lots.id'], name=op.f('fk_lot_links_source_id_lots'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_lot_links')),
    sa.UniqueConstraint('source_id', 'lot_id', name=op.f('uq_lot_links_source_id'))
    )
    with op.batch_alter_table('lot_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_lot_links_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_lot_links_source_id'), ['source_id'], unique=False)

    op.create_table('order_lots',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('lot_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Numeric(precision=14, scale=3, asdecimal=False), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['lot_id'], ['lots.id'], name=op.f('fk_order_lots_lot_id_lots'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_lots_order_id_orders'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_lots')),
    sa.UniqueConstraint('order_id', 'lot_id', name=op.f('uq_order_lots_order_id'))
    )
    with op.batch_alter_table('order_lots', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_lots_lot_id'), ['lot_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_lots_order_id'), ['order_id'], unique=False)

    _create_append_only_triggers()


def downgrade() -> None:
    _drop_append_only_triggers()
    with op.batch_alter_table('order_lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_lots_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_lots_lot_id'))

    op.drop_table('order_lots')
    with op.batch_alter_table('lot_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_links_source_id'))
        batch_op.drop_index(batch_op.f('ix_lot_links_lot_id'))

    op.drop_table('lot_links')
    with op.batch_alter_table('lot_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lot_events_order_id'))
        batch_op.drop_index(batch_op.f('ix_lot_events_lot_id'))
        batch_op.drop_index(batch_op.f('ix_lot_events_corrects_id'))

    op.drop_table('lot_events')
    with op.batch_alter_table('chain_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_orders_delivery_id'))
        batch_op.drop_index(batch_op.f('ix_chain_orders_chain_id'))

    op.drop_table('chain_orders')
    op.drop_table('tourism_offer_photos')
    with op.batch_alter_table('lots', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_lots_product_id'))
        batch_op.drop_index(batch_op.f('ix_lots_packing_house_id'))
        batch_op.drop_index(batch_op.f('ix_lots_organization_id'))
        batch_op.drop_index(batch_op.f('ix_lots_listing_id'))
        batch_op.drop_index(batch_op.f('ix_lots_gtin'))
        batch_op.drop_index(batch_op.f('ix_lots_growing_area_id'))

    op.drop_table('lots')
    with op.batch_alter_table('tourism_bookings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tourism_bookings_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_tourism_bookings_visit_on'))
        batch_op.drop_index(batch_op.f('ix_tourism_bookings_status'))
        batch_op.drop_index(batch_op.f('ix_tourism_bookings_organization_id'))
        batch_op.drop_index(batch_op.f('ix_tourism_bookings_offer_id'))

    op.drop_table('tourism_bookings')
    with op.batch_alter_table('chain_parties', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_parties_org_id'))
        batch_op.drop_index(batch_op.f('ix_chain_parties_chain_id'))

    op.drop_table('chain_parties')
    with op.batch_alter_table('chain_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chain_deliveries_chain_id'))

    op.drop_table('chain_deliveries')
    with op.batch_alter_table('tourism_offers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tourism_offers_status'))
        batch_op.drop_index(batch_op.f('ix_tourism_offers_organization_id'))
        batch_op.drop_index(batch_op.f('ix_tourism_offers_commune_code'))

    op.drop_table('tourism_offers')
    with op.batch_alter_table('cooperative_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cooperative_steps_cooperative_id'))
        batch_op.drop_index(batch_op.f('ix_cooperative_steps_club_id'))

    op.drop_table('cooperative_steps')
    with op.batch_alter_table('chains', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chains_status'))
        batch_op.drop_index(batch_op.f('ix_chains_product_id'))
        batch_op.drop_index(batch_op.f('ix_chains_buyer_org_id'))

    op.drop_table('chains')
