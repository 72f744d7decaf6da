"""Imports every domain's models so that the metadata (and Alembic) sees all tables."""

from marketplace.accounts.models import ApiToken, Membership, Organization, User
from marketplace.activity.models import ClubActivity, ClubConcern
from marketplace.alerts.models import SavedSearch, SavedSearchHit
from marketplace.chains.models import Chain, ChainDelivery, ChainOrder, ChainParty
from marketplace.changes.models import OutboxPositionRecord, SearchOutbox
from marketplace.cooperatives.models import CooperativeMember, CooperativeStep
from marketplace.credentials.models import Certificate, CodeClaimFlag, CredentialEvent, CredentialScan, PlantingCode
from marketplace.db import Base
from marketplace.demand.models import DemandPost, Offer
from marketplace.fairs.models import (
    BoothApplication,
    BoothApplicationListing,
    BoothCheckout,
    BoothKind,
    Catalog,
    CatalogEntry,
    CatalogSection,
    CatalogVisit,
    Fair,
    FairMeeting,
)
from marketplace.imports.models import PendingImport
from marketplace.listings.models import Listing, Photo
from marketplace.market.models import BulletinSend, PriceWatch, ReferencePrice
from marketplace.matching.models import MatchState
from marketplace.members.models import Household, Invitation
from marketplace.messaging.models import (
    ContactEvent,
    Conversation,
    ConversationMessage,
    ConversationRead,
    ConversationReport,
    ModerationAccess,
    OrganizationBlock,
)
from marketplace.notifications.models import NoticePreference, Notification, OutgoingMail, OutgoingMessage
from marketplace.orders.models import BankAccount, Order, OrderEvent, Payment
from marketplace.orders.payments.models import CardCheckout, StripeEvent
from marketplace.places.models import Commune, PlaceSource, Province
from marketplace.products.models import Category, Product, Variety
from marketplace.reports.models import FiledReport, ReportReminder
from marketplace.tourism.models import TourismBooking, TourismOffer
from marketplace.traceability.models import Lot, LotEvent, LotLink, OrderLot
from marketplace.verification.models import OrganizationEvent, OrganizationRecord

metadata = Base.metadata

__all__ = [
    "ApiToken", "BankAccount", "Category", "MatchState", "Notification", "Order", "OrderEvent",
    "OutboxPositionRecord", "Payment", "PendingImport", "CardCheckout", "StripeEvent",
    "Certificate", "CodeClaimFlag", "CredentialEvent", "CredentialScan", "DemandPost", "Listing", "Offer",
    "Photo",
    "PlantingCode", "Commune", "Membership", "Organization", "PlaceSource", "Product",
    "Province", "SearchOutbox", "User", "Variety", "metadata",
    "ContactEvent", "Conversation", "ConversationMessage", "ConversationRead", "ConversationReport",
    "ModerationAccess", "OrganizationBlock", "OutgoingMail", "SavedSearch", "SavedSearchHit",
    "BoothApplication", "BoothApplicationListing", "BoothCheckout", "BoothKind", "Catalog", "CatalogEntry",
    "CatalogSection", "CatalogVisit", "Fair", "FairMeeting",
    "Chain", "ChainDelivery", "ChainOrder", "ChainParty", "CooperativeStep", "Lot", "LotEvent", "LotLink",
    "OrderLot", "TourismBooking", "TourismOffer",
    "CooperativeMember", "Household", "Invitation", "NoticePreference", "OrganizationEvent", "OrganizationRecord",
    "OutgoingMessage",
    "BulletinSend", "ClubActivity", "ClubConcern", "FiledReport", "PriceWatch", "ReferencePrice", "ReportReminder",
]
