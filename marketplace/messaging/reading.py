"""Reading conversations: a member's threads with their unread counts (unread first), the count
for the inbox link, a thread's messages, how far the other side has read, and recording that a
thread was opened (read by a party, or looked at by staff).

Services take the session, flush, and never commit; the view or the worker commits once.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from marketplace.accounts.models import Membership, User
from marketplace.messaging import rules
from marketplace.messaging.conversations import mark_thread_read, memberships_of, side_of
from marketplace.messaging.models import Conversation, ConversationMessage, ConversationRead
from marketplace.messaging.moderation import log_moderation_access


@dataclass
class Thread:
    conversation: Conversation
    unread: int
    last: ConversationMessage | None


def _party_filter(user: User):
    buyer_orgs = [org for org, role in memberships_of(user) if role in rules.ACTING_ROLES]
    return or_(Conversation.buyer_org_id.in_(buyer_orgs), Conversation.seller_org_id.in_(buyer_orgs))


def _unread_counts(db: Session, user: User, conversation_ids) -> dict[int, int]:
    """Unread messages per thread for this user; `conversation_ids` is a list or a select of ids."""
    if isinstance(conversation_ids, list) and not conversation_ids:
        return {}
    read_upto = func.coalesce(ConversationRead.last_read_message_id, 0)
    # Messages from the other side only: what a colleague of the reader wrote is not news to them.
    own_orgs = [org for org, role in memberships_of(user) if role in rules.ACTING_ROLES]
    rows = db.execute(
        select(ConversationMessage.conversation_id, func.count())
        .outerjoin(ConversationRead, and_(ConversationRead.conversation_id == ConversationMessage.conversation_id,
                                          ConversationRead.user_id == user.id))
        .where(ConversationMessage.conversation_id.in_(conversation_ids), ConversationMessage.id > read_upto,
               ConversationMessage.author_org_id.not_in(own_orgs))
        .group_by(ConversationMessage.conversation_id))
    return dict(rows.all())


def _party_ids(user: User):
    return select(Conversation.id).where(_party_filter(user))


def threads_for(db: Session, user: User, limit: int = 200) -> list[Thread]:
    """The user's threads (both sides): every unread one first, then the latest activity first, up to
    `limit` read ones."""
    unread = _unread_counts(db, user, _party_ids(user))
    latest_first = (Conversation.last_message_at.desc(), Conversation.id.desc())
    unread_ids = [cid for cid, count in unread.items() if count]
    conversations = list(db.scalars(select(Conversation).where(Conversation.id.in_(unread_ids))
                                    .order_by(*latest_first))) if unread_ids else []
    conversations += list(db.scalars(select(Conversation).where(_party_filter(user),
                                                                Conversation.id.not_in(unread_ids))
                                     .order_by(*latest_first).limit(limit)))
    ids = [c.id for c in conversations]
    last_ids = dict(db.execute(select(ConversationMessage.conversation_id, func.max(ConversationMessage.id))
                               .where(ConversationMessage.conversation_id.in_(ids))
                               .group_by(ConversationMessage.conversation_id)).all()) if ids else {}
    lasts = {m.id: m for m in db.scalars(select(ConversationMessage)
                                         .where(ConversationMessage.id.in_(list(last_ids.values()))))} \
        if last_ids else {}
    return [Thread(c, unread.get(c.id, 0), lasts.get(last_ids.get(c.id))) for c in conversations]


def unread_threads(db: Session, user: User) -> int:
    return sum(1 for count in _unread_counts(db, user, _party_ids(user)).values() if count)


def messages_of(db: Session, conversation: Conversation) -> list[ConversationMessage]:
    return list(db.scalars(select(ConversationMessage).where(ConversationMessage.conversation_id == conversation.id)
                           .order_by(ConversationMessage.id)))


def other_side_read_upto(db: Session, conversation: Conversation, side: str) -> int:
    """The last message id someone on the other side has read (for "seen" marks)."""
    other = conversation.seller_org_id if side == "buyer" else conversation.buyer_org_id
    return db.scalar(select(func.max(ConversationRead.last_read_message_id))
                     .join(Membership, Membership.user_id == ConversationRead.user_id)
                     .where(ConversationRead.conversation_id == conversation.id,
                            Membership.organization_id == other)) or 0



def record_reading(db: Session, user: User, conversation: Conversation) -> None:
    """Opening a thread: a party has read it; staff (no side) have looked as moderators."""
    if side_of(user, conversation) is None:
        log_moderation_access(db, user, conversation)
    else:
        mark_thread_read(db, user, conversation)
