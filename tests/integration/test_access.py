"""Every route in the URL map, for every role: who may open it and who may not.

EXPECTED names each endpoint's rule. A route added without an entry here fails
test_every_route_is_known, and an entry that disagrees with the decorator on the view
(marketplace.access) fails test_declared_policy_matches — so no route ships unreviewed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import pytest
from sqlalchemy import select

from marketplace.access import policy_of
from marketplace.accounts import services as accounts
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.alerts.models import SavedSearch
from marketplace.cooperatives.models import CooperativeMember
from marketplace.credentials import services as credentials
from marketplace.credentials.models import CodeClaimFlag
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.fairs import editing
from marketplace.fairs.models import BoothApplication, FairMeeting
from marketplace.forms import as_typed_date
from marketplace.listings import services as listings
from marketplace.members import services as member_services
from marketplace.messaging.models import Conversation, ConversationReport
from marketplace.notifications.models import Notification
from marketplace.tourism.models import TourismBooking, TourismOffer
from marketplace.traceability import lots as lot_services
from tests.clients import csrf_token, login
from tests.factories import make_org, make_user

EXPECTED: dict[str, str] = {
    "main.home": "public",
    "main.directory": "public",
    "main.organization": "public",
    "main.edit_organization": "org_member",
    "main.products": "public",
    "main.health": "public",
    "places.communes": "public",
    "search.results": "public",
    "search.suggest": "public",
    "accounts.register": "public",
    "accounts.login": "public",
    "accounts.forgot_password": "public",
    "accounts.reset_password": "public",
    "accounts.logout": "user",
    "accounts.account": "user",
    "accounts.change_password": "user",
    "accounts.notification_settings": "user",
    "notices.save_channels": "user",
    "notices.send_phone_code": "user",
    "notices.confirm_phone": "user",
    "matching.index": "user",
    "matching.dismiss": "match_party",
    "matching.notifications": "user",
    "matching.open_notification": "user",
    "matching.read_all": "user",
    "accounts.create_organization": "user",
    "admin.dashboard": "staff",
    "catalogue.queue": "staff",
    "catalogue.map_name": "staff",
    "catalogue.adopt_name": "staff",
    "catalogue.map_unit": "staff",
    "credentials.manage": "org_seller_or_staff",
    "credentials.add_certificate": "org_seller",
    "credentials.add_code": "org_seller",
    "credentials.queue": "staff",
    "credentials.decide": "staff",
    "credentials.credential": "org_seller_or_staff",
    "credentials.edit_credential": "org_seller",
    "credentials.scan": "user",  # and then only the holder's members and staff (test_evidence.py)
    "credentials.resolve_flag": "staff",
    "verification.manage": "org_board_or_staff",
    "verification.submit": "org_board",
    "verification.queue": "staff",
    "verification.record": "staff",
    "verification.decide": "staff",
    "listings.new": "user",
    "dashboard.sell": "user",  # and then the form of the person's club, or a choice of clubs
    "dashboard.buy": "user",  # the same for buying organisations
    "listing_photos.stage": "user",  # and then only those who may list: sellers, admins
    "demand.new": "user",
    "demand.show": "public",
    "demand.board": "public",
    "demand.edit": "org_buyer",
    "demand.change_status": "org_buyer",
    "demand.manage": "org_buyer",
    "demand.decide": "org_buyer",
    "demand.offer": "acting_seller",
    "demand.verify_buyer": "staff",
    "listings.show": "public",
    "listings.edit": "org_seller",
    "listings.quick_update": "org_seller",
    "listings.change_status": "org_seller",
    "listings.manage": "org_seller",
    "listings.delete_photo": "org_seller",
    "admin.users": "admin",
    "imports.upload": "staff",
    "imports.template": "staff",
    "imports.confirm": "staff",
    "imports.job": "staff",  # and only the staff member who started it (else 404: test_background.py)
    "imports.job_status": "staff",
    "api.index": "public",
    "api.me": "user",
    "api.list_conversations": "user",
    "api.create_conversation": "user",
    "api.get_conversation": "thread_reader",
    "api.post_conversation_message": "thread_party",
    "messaging.inbox": "user",
    "messaging.new_conversation": "user",
    "messaging.thread": "thread_reader",
    "messaging.reply": "thread_party",
    "messaging.report": "thread_party",
    "messaging.block": "other_org_member",
    "messaging.contact_event": "user",
    "messaging.mail_settings": "public",
    "messaging.mail_off": "public",
    "messaging.reports": "staff",
    "messaging.resolve_report": "staff",
    "messaging.contacts": "staff",
    "reports.index": "staff",
    "reports.download": "staff",
    "reports.file": "staff",
    "alerts.index": "user",
    "alerts.save": "user",
    "alerts.delete": "user",
    "api.list_orgs": "public",
    "api.get_org": "public",
    "api.communes": "public",
    "api.search_index": "public",
    "api.list_listings": "public",
    "api.get_listing": "public",
    "api.create_listing": "acting_seller",
    "api.list_demand": "public",
    "api.get_demand": "public",
    "api.create_demand": "acting_buyer",
    "api.demand_matches": "org_buyer_or_staff",
    "api.listing_matches": "org_seller_or_staff",
    "media.photo": "public",
    "orders.index": "user",
    "orders.show": "order_party",
    "orders.receipt": "order_party",
    "orders.place": "acting_buyer",
    "orders.from_offer": "org_buyer",
    "orders.act": "order_seller",  # sampled with action=confirm
    "orders.payment_option": "order_buyer",
    "orders.claim_paid": "order_buyer",
    "orders.received": "order_seller_or_staff",
    "orders.bank_account": "org_seller",
    "orders.statement": "org_seller_or_staff",
    "orders.unapplied_payments": "staff",
    "stripe_payments.start": "order_buyer",  # 404 for the buyer here: the suite's app has no Stripe keys
    "stripe_payments.returned": "order_buyer",
    "stripe_payments.webhook": "public",  # 400 without a Stripe signature
    "api.create_order": "acting_buyer",
    "api.preview_order": "acting_buyer",
    "api.get_order": "order_party",
    # The trade API (issue #19): the request's offers, deciding them, the seller's side of an order.
    "api.list_offers": "offer_reader",
    "api.create_offer": "acting_seller",
    "api.accept_offer": "org_buyer",
    "api.decline_offer": "org_buyer",
    "api.withdraw_offer": "org_seller",
    "api.confirm_order": "order_seller",
    "api.decline_order": "order_seller",
    "api.deliver_order": "order_seller",
    "api.record_payment": "order_seller_or_staff",
    "api.get_chain": "chain_reader",
    "fairs.index": "public",
    "fairs.show": "public",
    "fairs.apply": "user",  # and then only for a club, cooperative or business of the person's own
    "fairs.mine": "user",
    "fairs.application": "application_reader",
    "fairs.paid": "application_reader",
    "fairs.withdraw": "org_seller",
    "fairs.pay_card": "org_seller",  # 404 for the club here: the suite's app has no Stripe keys
    "fair_staff.index": "staff",
    "fair_staff.new": "staff",
    "fair_staff.edit": "staff",
    "fair_staff.publish": "staff",
    "fair_staff.cancel": "staff",
    "fair_staff.applications": "staff",
    "fair_staff.decide": "staff",
    "fair_staff.approve_waitlist": "staff",
    "fair_staff.received": "staff",
    "api.list_fairs": "public",
    "api.list_prices": "public",
    "market.board": "public",
    "market.product": "public",
    "market.reference_json": "public",
    "market.watch": "user",
    "market.unwatch": "user",
    "market.staff": "staff",
    "market.edit": "staff",
    "market.delete": "staff",
    "api.fair_catalog": "public",
    "catalogs.show": "public",  # a draft: staff only (tests/integration/fairs/test_catalog_page.py)
    "catalogs.pdf": "public",
    "catalogs.qr_code": "public",
    "catalogs.index": "staff",
    "catalogs.edit": "staff",
    "catalogs.add_section": "staff",
    "catalogs.change_section": "staff",
    "catalogs.add_entry": "staff",
    "catalogs.update_entry": "staff",
    "catalogs.change_entry": "staff",
    "catalogs.set_status": "staff",
    "fair_meetings.schedule": "user",  # each person sees only their organisations' meetings
    "fair_meetings.new": "user",  # and then only someone acting for an organisation other than the exhibitor
    "fair_meetings.step": "meeting_exhibitor",  # sampled with action=accept
    "lots.index": "user",  # and then the person's club's lots (a page saying so for anyone else)
    "lots.new": "user",  # and then only a seller of a club (ROUTE_ALLOWED)
    "lots.pack": "user",
    "lots.show": "org_seller_or_staff",  # any member of the lot's club, staff; 404 for the rest (LOT_ROUTES)
    "lots.add_event": "org_seller",
    "lots.split": "org_seller",
    "lots.name_lots": "order_seller",
    "lots.confirm_receipt": "order_buyer",
    "api.create_lot": "acting_seller",
    "api.add_lot_event": "org_seller",
    "api.get_lot": "org_seller_or_staff",
    "fair_outcomes.outcome": "staff",
    "fair_outcomes.outcome_csv": "staff",
    "trace.show": "public",  # lots' trace pages (tests/integration/traceability/test_trace_page.py)
    "trace.gs1": "public",
    "trace.qr_svg": "public",
    "trace.qr_png": "public",
    "trace.labels_pdf": "org_seller_or_staff",  # the lot's club members and staff (LOT_ROUTES)
    "cooperatives.index": "staff",
    "cooperatives.club": "staff",
    # The sample club's board page of cooperative membership: its board (an administrator is on
    # every board) and staff, who look and may end one; the walker's seller is not on the board.
    "coop_members.index": "org_board_or_staff",
    "coop_members.propose": "org_board",
    "coop_members.act": "org_board_or_staff",
    "tourism.index": "public",
    "tourism.show": "public",
    "tourism.book": "user",  # and then not for the club's own members (sent back to the visit)
    "tourism.manage": "user",  # the person's own clubs only (others are sent away)
    "tourism.new_offer": "user",
    "tourism.edit_offer": "tour_owner",
    "tourism.change_offer": "tour_owner",
    "tourism.add_photos": "tour_owner",
    "tourism.inbox": "user",  # the person's own clubs' requests and their own
    "tourism.calendar_page": "user",
    "tourism.booking": "tour_booking_reader",
    "tourism.answer": "tour_booking_club",
    "tourism.visitor_action": "tour_booking_visitor",
    "chains.index": "user",
    "chains.new": "user",  # and then only a buyer organisation's buyers (ROUTE_ALLOWED)
    "chains.show": "chain_reader",
    "chains.answer": "chain_party",
    "chains.close": "chain_side",  # sampled with action=end
    "chains.attach": "chain_side",
    "chains.place": "chain_buyer",
    "chains.staff_index": "staff",
    "targets.index": "staff",
    "targets.records": "staff",
    "api.list_members": "org_member_or_staff",
    "api.invite_member": "org_board",
    "members.index": "org_board",
    "members.revoke": "org_board",
    "members.remove": "org_board",  # sampled on the club's only board member: refused, nothing changes
    "members.board": "org_board",
    "members.new_household": "org_board",
    "members.edit_household": "org_board",
    "members.household_active": "org_board",
    "members.household": "org_member_or_staff",
    "bulletin.show": "org_member_or_staff",  # any member of the club (market news), and staff
    "members.join": "public",  # the sample token is not one: sent to the code form
    "members.join_code": "public",
    "members.pending": "public",
    "members.accept": "user",
    # Club activity (#20): the sample club's members read its activity page; its board (the sample
    # seller is not on it) and staff record, raise, settle and reopen; staff alone assign and answer.
    "activity.org_page": "org_member_or_staff",
    "activity.new_activity": "org_board_or_staff",
    "activity.edit_activity": "org_board_or_staff",
    "activity.delete_activity": "org_board_or_staff",
    "activity.new_concern": "org_board_or_staff",
    "activity.club_move": "org_board_or_staff",  # sampled with action=close on an open concern: refused, 302
    "activity.staff_queue": "staff",
    "activity.staff_concern": "staff",
    "activity.staff_assign": "staff",
    "activity.staff_answer": "staff",
    "activity.staff_move": "staff",
}
# Views that come from libraries and carry no decorator of ours.
THIRD_PARTY: dict[str, str] = {"static": "public", "api-docs.openapi_json": "public"}

ROLES = ("anonymous", "seller", "buyer", "staff", "admin", "other_seller", "other_buyer")
# other_seller sells for another club, other_buyer buys for another organisation: on a route
# about one object of the sample club or buyer they are outsiders and must get 403 or 404.
# Rules about one object (the sample club's page, listing, credentials): the view's decorator
# says "signed in", and the view itself lets in only the club's sellers (and staff, to look).
OBJECT_RULES = {"org_seller": "user", "org_seller_or_staff": "user", "org_member": "user",
                "order_party": "user", "order_seller": "user", "order_buyer": "user",
                "order_seller_or_staff": "user",
                "acting_seller": "user", "org_buyer": "user",
                "acting_buyer": "user", "match_party": "user", "org_buyer_or_staff": "user",
                "thread_reader": "user", "thread_party": "user", "other_org_member": "user",
                "application_reader": "user", "meeting_exhibitor": "user", "tour_owner": "user",
                "tour_booking_reader": "user", "tour_booking_club": "user", "tour_booking_visitor": "user",
                "chain_reader": "user", "chain_party": "user", "chain_side": "user", "chain_buyer": "user",
                "org_board": "user", "org_member_or_staff": "user", "org_board_or_staff": "user",
                "offer_reader": "user"}
ALLOWED = {
    "org_seller": {"seller", "admin"},
    # The sample club's board (its sellers here are plain members, not on it) and administrators;
    # staff read the board's verification page.
    "org_board": {"admin"},
    "org_board_or_staff": {"staff", "admin"},
    "org_seller_or_staff": {"seller", "staff", "admin"},
    "org_member": {"seller", "admin"},
    "acting_seller": {"seller", "other_seller"},
    "org_buyer": {"buyer", "admin"},
    "acting_buyer": {"buyer", "other_buyer"},  # acts for a club or cooperative, whatever else they may be
    "match_party": {"seller", "buyer", "admin"},  # the listing's club or the request's buyer
    "org_buyer_or_staff": {"buyer", "staff", "admin"},
    # The sample thread is between the buyer's organisation and the club: both sides read and
    # write; staff read it as moderators (recorded) but do not write; anyone else gets 404.
    "thread_reader": {"seller", "buyer", "staff", "admin"},
    "thread_party": {"seller", "buyer"},
    # acts for an organisation other than the sample club
    "other_org_member": {"buyer", "other_seller", "other_buyer"},
    # The sample order: the buyer organisation's buyers, the club's sellers, staff looking.
    "order_party": {"seller", "buyer", "staff", "admin"},
    "order_seller": {"seller", "admin"},
    "order_buyer": {"buyer", "admin"},
    "order_seller_or_staff": {"seller", "staff", "admin"},
    # The sample booth application is the club's: its members read it, staff look.
    "application_reader": {"seller", "staff", "admin"},
    # The sample meeting: the buyer's organisation asked the club (an exhibitor) at the sample fair;
    # the club accepts; the buyer may not take the exhibitor's step (403), anyone else is told 404.
    "meeting_exhibitor": {"seller"},
    # The sample visit is the club's, published; the sample booking was sent by a visitor none of
    # the roles is. Like a thread, a booking is its visitor's and the club's: anyone else who may
    # not read it is told it does not exist (404), as OUTSIDERS lists.
    "tour_owner": {"seller", "admin"},
    "tour_booking_reader": {"seller", "staff", "admin"},
    "tour_booking_club": {"seller"},
    "tour_booking_visitor": set(),
    # The sample chain: the buyer's organisation proposed it to the club. Its two sides and staff
    # read it; the club's sellers answer; either side acts on it; the buyer places orders.
    "chain_reader": {"seller", "buyer", "staff", "admin"},
    "chain_party": {"seller", "admin"},
    "chain_side": {"seller", "buyer", "admin"},
    "chain_buyer": {"buyer", "admin"},
    "org_member_or_staff": {"seller", "staff", "admin"},
    # A request's offers: its buyer (all), staff, and sellers (their own; none yet is an empty list).
    "offer_reader": {"seller", "buyer", "staff", "admin", "other_seller"},
    "public": set(ROLES),
    "user": {"seller", "buyer", "staff", "admin", "other_seller", "other_buyer"},
    "seller": {"seller", "admin", "other_seller"},
    "buyer": {"buyer", "admin", "other_buyer"},
    "staff": {"staff", "admin"},
    "admin": {"admin"},
}


# Roles that are outsiders to a rule's object although not "other_" (they get 403 or 404 too).
OUTSIDERS = {"tour_owner": {"buyer", "staff"}, "tour_booking_reader": {"buyer"},
             "tour_booking_club": {"buyer", "staff", "admin"}, "tour_booking_visitor": {"seller", "buyer", "staff", "admin"}}


def _routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _url_for(app, rule, samples: dict) -> str:
    adapter = app.url_map.bind("localhost")
    return adapter.build(rule.endpoint, {name: samples[name] for name in rule.arguments})


def _sample_objects(session, club, buyer_org) -> dict:
    """One of everything a URL can name: the club's listing and credentials, the buyer's request
    and the club's offer on it."""
    today = today_in_vietnam()
    certificate = credentials.save_certificate(
        session, club, credentials.CertificateInput(type="vietgap", number="VietGAP-TT-99-01-82-9001",
                                                    issued_on=today - timedelta(days=30), expires_on=today + timedelta(days=400)), None)
    listing = listings.save_listing(
        session, club, listings.ListingInput(product="xoài", quantity="100", unit="kg",
                                             available_from=today, available_to=today + timedelta(days=365),
                                             price_vnd="30000"), None, today=today, publish=True)
    demand = demand_service.save_demand(
        session, buyer_org, demand_service.DemandInput(product="xoài", quantity="5", unit="tấn",
                                                       needed_from=today, needed_to=today + timedelta(days=365)),
        None, today=today)
    offer = demand_service.make_offer(session, demand, club, demand_service.OfferInput(quantity="2"), None,
                                      today=today)
    conversation = Conversation(buyer_org_id=buyer_org.id, seller_org_id=club.id, topic=f"listing:{listing.id}",
                                subject="Xoài", listing_id=listing.id)
    session.add(conversation)
    order = _sample_order(session, club, buyer_org, listing)
    report = ConversationReport(conversation=conversation, reporter_org_id=buyer_org.id, reason="spam")
    session.add(report)
    fair, application, meeting = _sample_fair(session, club, buyer_org)
    lot = lot_services.record_lot(session, club, lot_services.LotInput(product="xoài", quantity="10", unit="kg"),
                                  None, today=today)
    tour, booking = _sample_tour(session, club)
    chain = _sample_chain(session, club, buyer_org)
    membership, invitation, household = _sample_members(session, club)
    flag = CodeClaimFlag(code="VN-DTOR-9999", holder_id=club.id, claimant_id=buyer_org.id)
    session.add(flag)
    coop_member = CooperativeMember(cooperative=make_org("cooperative", name="HTX kiểm tra quyền"), club=club,
                                    status="proposed", proposed_by_org_id=club.id)
    session.add(coop_member)
    activity = ClubActivity(organization_id=club.id, kind="meeting", held_on=today, topic="Sinh hoạt kiểm tra quyền")
    concern = ClubConcern(organization_id=club.id, kind="difficulty", raised_on=today, title="Khó khăn kiểm tra quyền")
    session.add_all([activity, concern])
    session.commit()
    return {"org_id": club.id, "conversation_id": conversation.id, "report_id": report.id, "saved_id": 999999, "listing_id": listing.id, "kind": "certificate", "credential_id": certificate.id,
            "token": "not-a-valid-token", "filename": "css/site.css",
            "key": "missing", "size": "card", "part": "thumb", "photo_id": 999999, "demand_id": demand.id, "offer_id": offer.id, "action": "accept",
            "buyer_org_id": buyer_org.id, "notification_id": 999999, "order_id": order.id,
            "product_id": 999999, "slug": fair.slug, "fair_id": fair.id, "application_id": application.id,
            "catalog_id": 999999, "section_id": 999999, "entry_id": 999999, "meeting_id": meeting.id,
            "code": lot.code, "gtin": "08934563138165", "more": "21/1",
            "tour_id": tour.id, "booking_id": booking.id, "price_id": 999999,
            "chain_id": chain.id, "delivery_id": chain.deliveries[0].id,
            "membership_id": membership.id, "invitation_id": invitation.id, "household_id": household.id,
            "flag_id": flag.id, "member_id": coop_member.id, "activity_id": activity.id, "concern_id": concern.id}


def _sample_members(session, club):
    """The club's chair on its board (the only one), an open invitation they sent, a household."""
    chair = make_user(None, name="Chủ nhiệm kiểm tra quyền")
    membership = accounts.add_member(session, club, chair, "seller", board=True)
    invited = member_services.invite(session, club, chair, name="Anh Ba", contact="0912 345 678", role="seller")
    household = member_services.save_household(session, club, None, member_services.HouseholdInput(name="Hộ ông Tư"),
                                                chair)
    return membership, invited.invitation, household


def _sample_tour(session, club):
    """A published visit of the club and a request for it from a visitor who is none of the roles."""
    visitor = make_user("buyer", make_org("supermarket", name="Gia đình khách tham quan"), name="Khách")
    tour = TourismOffer(organization_id=club.id, kind="orchard_visit", title="Tham vườn xoài", status="published")
    session.add(tour)
    session.flush()
    booking = TourismBooking(offer_id=tour.id, organization_id=club.id, visitor_id=visitor.id,
                             visit_on=today_in_vietnam() + timedelta(days=7), group_size=4, contact_name="Khách",
                             contact_phone="0912345678")
    session.add(booking)
    session.flush()
    return tour, booking


def _sample_chain(session, club, buyer_org):
    """A chain the buyer's organisation proposed to the club (made directly: no buyer user yet)."""
    from marketplace.chains.models import Chain, ChainDelivery, ChainParty
    from marketplace.products.models import Product

    today = today_in_vietnam()
    chain = Chain(buyer_org_id=buyer_org.id, title="Chuỗi kiểm tra quyền",
                  product_id=session.scalars(select(Product.id).limit(1)).first(),
                  season_from=today, season_to=today + timedelta(days=60), total_quantity=10, unit="tấn",
                  price_terms="fixed", price_vnd=30000, status="proposed")
    session.add(chain)
    session.flush()
    session.add_all([ChainParty(chain_id=chain.id, org_id=club.id),
                     ChainDelivery(chain_id=chain.id, due_on=today + timedelta(days=7), quantity=5)])
    session.flush()
    session.refresh(chain)
    return chain


def _sample_fair(session, club, buyer_org):
    """A published fair where the club holds a booth and a meeting the buyer's organisation asked
    the club for; and the club's application at a second fair (withdrawing it, as a route of the
    walk does, leaves the club an exhibitor of the first)."""
    starts = today_in_vietnam() + timedelta(days=60)

    def published(name):
        fair = editing.save_fair(session, editing.FairInput(
            name=name, starts_on=as_typed_date(starts), ends_on=as_typed_date(starts),
            booths=[editing.BoothKindRow(name="Gian", count="5", fee_vnd="100000", number_prefix="A-")]), None)
        editing.publish(session, fair)
        return fair

    fair, other = published("Hội chợ kiểm tra quyền"), published("Hội chợ kiểm tra đơn")
    fair.booth_kinds[0].given = 1
    booth = BoothApplication(fair_id=fair.id, org_id=club.id, booth_kind_id=fair.booth_kinds[0].id,
                             contact_name="An", contact_phone="0912345678", products_text="Xoài",
                             status="confirmed", booth_number="A-01")
    application = BoothApplication(fair_id=other.id, org_id=club.id, booth_kind_id=other.booth_kinds[0].id,
                                   contact_name="An", contact_phone="0912345678", products_text="Xoài")
    meeting = FairMeeting(fair_id=fair.id, buyer_org_id=buyer_org.id, exhibitor_org_id=club.id,
                          starts_at=datetime.combine(starts, time(9, 0), tzinfo=UTC))
    session.add_all([booth, application, meeting])
    session.flush()
    return fair, application, meeting


def _sample_order(session, club, buyer_org, listing):
    """An order of the buyer organisation from the club's listing (made directly: the sample
    has no buyer user yet)."""
    from marketplace.orders.models import Order, OrderEvent

    order = Order(buyer_org_id=buyer_org.id, seller_org_id=club.id, listing_id=listing.id, title=listing.title,
                  quantity=1, unit=listing.unit, reserved_quantity=0, unit_price_vnd=30000, price_unit="kg",
                  amount_vnd=30000, status="requested")
    session.add(order)
    session.flush()
    session.add(OrderEvent(order_id=order.id, to_status="requested"))
    return order


# Routes whose sample names nothing that exists, so those let in get 404 too (the denied still
# get 403 or the sign-in page first): a photo or a catalogue name would need an upload or an
# unmapped import; the mail-settings link needs a signed token; Stripe is not configured here.
NOTHING_THERE = {"imports.job", "imports.job_status",  # no import job in the sample (test_background.py)
                 "media.photo", "credentials.scan", "listings.delete_photo", "catalogue.map_name", "catalogue.adopt_name",
                 "messaging.mail_settings", "messaging.mail_off", "stripe_payments.start", "fairs.pay_card",
                 # no catalog or fair in the sample (the catalog tests open real ones)
                 "catalogs.show", "catalogs.pdf", "catalogs.qr_code", "catalogs.edit", "catalogs.add_section",
                 "catalogs.change_section", "catalogs.add_entry", "catalogs.update_entry", "catalogs.change_entry",
                 "catalogs.set_status", "api.fair_catalog",
                 # the sample lot has no GTIN: its GS1 address is the same "not in the system" 404
                 "trace.gs1",
                 # no product or reference price in the sample (tests/integration/market open real ones)
                 "market.product", "market.watch", "market.unwatch", "market.edit", "market.delete"}
# What an allowed caller may get: the page, a redirect, or the form refused for its (empty)
# content, which the view checks only after letting the caller in.
LET_IN = {200, 201, 204, 302, 303, 400, 409, 422}
# Query strings (GET) and form fields (POST) some routes need to name their object.
QUERY = {"messaging.new_conversation": "?demand_id={demand_id}",
         "reports.download": "?unit=82&period=2026-H1", "reports.file": "?unit=82&period=2026-H1"}
FORM = {"messaging.new_conversation": {"demand_id": "{demand_id}"},
        "reports.file": {"unit": "82", "period": "2026-H1"}}
# Routes open to every signed-in user whose object lets fewer in: a request is answered by
# sellers of a club (its own buyers and staff not acting for a club are refused, 403).
ROUTE_ALLOWED = {"messaging.new_conversation": {"seller", "other_seller"},
                 "fair_meetings.new": {"buyer", "other_seller", "other_buyer"},
                 "listing_photos.stage": {"seller", "other_seller", "admin"},
                 "lots.new": {"seller", "other_seller"}, "lots.pack": {"seller", "other_seller"},
                 "chains.new": {"buyer", "other_buyer"}}
# A lot is its club's: anyone who is not its member (nor staff) is told it does not exist (404),
# not only the outsiders of other organisations.
LOT_ROUTES = {"lots.show", "lots.add_event", "lots.split", "api.add_lot_event", "api.get_lot", "trace.labels_pdf"}


def _own_samples(session, user) -> dict:
    """The signed-in user's own saved search and notice: theirs to open and delete."""
    saved = SavedSearch(user_id=user.id, name="Xoài", query="q=xo%C3%A0i")
    notice = Notification(user_id=user.id, kind="match", url="/matches")
    session.add_all([saved, notice])
    session.commit()
    return {"saved_id": saved.id, "notification_id": notice.id}


# Routes whose sample object is not the club's: they name the buyer's organisation.
BUYER_ORG_ROUTES = {"demand.manage"}
# Samples that differ for one route.
ROUTE_SAMPLES = {"imports.job": {"job_id": 999999}, "imports.job_status": {"job_id": 999999},
                 "matching.dismiss": {"action": "dismiss"}, "messaging.block": {"action": "block"},
                 "orders.act": {"action": "confirm"}, "catalogs.set_status": {"action": "publish"},
                 "catalogs.change_section": {"action": "up"}, "catalogs.change_entry": {"action": "up"},
                 "fair_meetings.step": {"action": "accept"}, "tourism.change_offer": {"action": "publish"},
                 "tourism.visitor_action": {"action": "cancel"},
                 "chains.close": {"action": "end"}, "reports.download": {"fmt": "xlsx"},
                 "activity.club_move": {"action": "close"},
                 "activity.staff_move": {"action": "close"}, "targets.records": {"key": "ocop_products"}}


def test_every_route_is_known(app):
    known = EXPECTED | THIRD_PARTY
    unknown = sorted({rule.endpoint for rule in app.url_map.iter_rules()} - set(known))
    assert not unknown, f"routes without an access rule in this test: {unknown}"
    stale = sorted(set(known) - {rule.endpoint for rule in app.url_map.iter_rules()})
    assert not stale, f"access rules for routes that no longer exist: {stale}"


@pytest.mark.parametrize("endpoint", sorted(EXPECTED))
def test_declared_policy_matches(app, endpoint):
    expected = OBJECT_RULES.get(EXPECTED[endpoint], EXPECTED[endpoint])
    assert policy_of(app.view_functions[endpoint]) == expected


@pytest.mark.parametrize("role", ROLES)
def test_each_route_for_each_role(app, session, role):
    club = make_org("club", name="Hội quán kiểm tra quyền")
    buyer_org = make_org("supermarket", name="Siêu thị kiểm tra quyền")
    samples = _sample_objects(session, club, buyer_org)
    client = app.test_client()
    if role != "anonymous":
        organization = {"seller": club, "buyer": buyer_org, "other_seller": make_org("club", name="Hội quán khác"),
                        "other_buyer": make_org("supermarket", name="Siêu thị khác")}.get(role)
        user = make_user(role.removeprefix("other_"), organization)
        samples |= _own_samples(session, user)
        assert login(client, user).status_code == 302
    failures = []
    for rule, method in _routes(app):
        policy = (EXPECTED | THIRD_PARTY)[rule.endpoint]
        url = _url_for(app, rule, samples | ({"org_id": samples["buyer_org_id"]}
                                             if rule.endpoint in BUYER_ORG_ROUTES else {})
                       | ROUTE_SAMPLES.get(rule.endpoint, {})) + QUERY.get(rule.endpoint, "").format(**samples)
        if method == "GET":
            response = client.get(url)
        else:
            form = {name: value.format(**samples) for name, value in FORM.get(rule.endpoint, {}).items()}
            response = client.post(url, data={"csrf_token": csrf_token(client), **form})
        location = response.headers.get("Location", "")
        denied_anonymous = response.status_code == 401 or (
            response.status_code == 302 and "/login" in location
        )
        forbidden = response.status_code == 403
        # (a GET of the one-click unsubscribe address redirects to the settings page, which 404s)
        let_in = (response.status_code == 404 or (response.status_code in (302, 303) and not denied_anonymous)
                  if rule.endpoint in NOTHING_THERE
                  else response.status_code in LET_IN and not denied_anonymous)
        if role in ROUTE_ALLOWED.get(rule.endpoint, ALLOWED[policy]):
            if not let_in:
                failures.append(f"{method} {url}: {role} should be let in, got {response.status_code}")
        elif role == "anonymous":
            if not denied_anonymous:
                failures.append(f"{method} {url}: anonymous should be sent to sign in, got {response.status_code}")
        elif (role.startswith("other_") or (rule.endpoint in LOT_ROUTES and role == "buyer")
              or role in OUTSIDERS.get(policy, ())):
            # An outsider to this object: refused, or told it does not exist.
            if response.status_code not in (403, 404):
                failures.append(f"{method} {url}: {role} should get 403 or 404, got {response.status_code}")
        elif not forbidden:
            failures.append(f"{method} {url}: {role} should get 403, got {response.status_code}")
        if rule.endpoint == "accounts.logout" and role != "anonymous":
            assert login(client, user).status_code == 302  # sign back in for the next routes
    assert not failures, "\n".join(failures)
