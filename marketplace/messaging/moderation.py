"""Keeping conversations civil: one organisation blocking another (conversations.is_blocked is
the check that stops new threads and messages), members reporting a thread, staff resolving the
reports, and the log of staff reading a thread they are not a party to.

Services take the session, flush, and never commit; the view or the worker commits once.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Organization, User
from marketplace.db import utcnow
from marketplace.messaging import rules
from marketplace.messaging.conversations import ConversationError, side_of
from marketplace.messaging.models import Conversation, ConversationReport, ModerationAccess, OrganizationBlock
from marketplace.vietnamese import clean_message


def block(db: Session, user: User, blocker: Organization, blocked: Organization) -> None:
    if blocker.id == blocked.id:
        raise ConversationError("own")
    exists = db.scalar(select(OrganizationBlock.id).where(OrganizationBlock.blocker_org_id == blocker.id,
                                                          OrganizationBlock.blocked_org_id == blocked.id))
    if exists is None:
        db.add(OrganizationBlock(blocker_org_id=blocker.id, blocked_org_id=blocked.id, created_by_id=user.id))
        db.flush()


def unblock(db: Session, blocker: Organization, blocked: Organization) -> None:
    for row in db.scalars(select(OrganizationBlock).where(OrganizationBlock.blocker_org_id == blocker.id,
                                                          OrganizationBlock.blocked_org_id == blocked.id)):
        db.delete(row)
    db.flush()


def blocked_by(db: Session, org: Organization) -> list[OrganizationBlock]:
    return list(db.scalars(select(OrganizationBlock).where(OrganizationBlock.blocker_org_id == org.id)
                           .order_by(OrganizationBlock.id)))


def report(db: Session, user: User, conversation: Conversation, reason: str, note: str = "") -> ConversationReport:
    if reason not in rules.REPORT_REASONS:
        raise ConversationError("reason")
    side = side_of(user, conversation)
    if side is None:
        raise ConversationError("forbidden")
    org_id = conversation.buyer_org_id if side == "buyer" else conversation.seller_org_id
    row = ConversationReport(conversation_id=conversation.id, reporter_id=user.id, reporter_org_id=org_id,
                             reason=reason, note=clean_message(note)[:2000])
    db.add(row)
    db.flush()
    return row


def open_reports(db: Session) -> list[ConversationReport]:
    return list(db.scalars(select(ConversationReport).where(ConversationReport.resolved_at.is_(None))
                           .order_by(ConversationReport.created_at.desc())))


def resolve_report(db: Session, staff: User, row: ConversationReport) -> None:
    row.resolved_at, row.resolved_by_id = row.resolved_at or utcnow(), staff.id
    db.flush()


def log_moderation_access(db: Session, staff: User, conversation: Conversation) -> None:
    db.add(ModerationAccess(staff_user_id=staff.id, conversation_id=conversation.id))
    db.flush()
