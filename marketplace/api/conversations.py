"""API v1 for conversations: the caller's threads, a new thread, one thread, an answer.

Who is a party, what may be said and when a thread is read are messaging's rules; the API only
maps its refusals to statuses (422, 404, 409, 403) and serialises what comes back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flask_babel import gettext as _
from flask_login import current_user
from marshmallow import Schema, fields, validate

from marketplace import db
from marketplace.access import signed_in
from marketplace.api.blueprint import BEARER, blp, text_of
from marketplace.api.fields import ComputedBoolean, ComputedString, Timestamp
from marketplace.errors import Conflict, NotFound, PermissionDenied, ValidationError
from marketplace.messaging import conversations, limits, reading
from marketplace.messaging.labels import refusal_message
from marketplace.messaging.models import Conversation, ConversationMessage
from marketplace.numbers import MAX_ID


@dataclass
class OpenedConversation:
    """A thread shown on its own, with its messages (a listed thread is a messaging.reading.Thread)."""

    conversation: Conversation
    messages: list[ConversationMessage] = field(default_factory=list)
    unread: int = 0
    last: ConversationMessage | None = None



class ConversationInputSchema(Schema):
    """What a new thread is about (one of listing_id, demand_id, offer_id; listing_id with
    demand_id means a match) and its first message."""

    class Meta:
        unknown = "exclude"

    listing_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    demand_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    offer_id = fields.Integer(allow_none=True, validate=validate.Range(min=1, max=MAX_ID))
    body = fields.Raw(load_default=None, metadata={"description": "the message, 1–4,000 characters"})


class MessageInputSchema(Schema):
    """Checked by the messaging rules, which answer in the caller's language."""

    class Meta:
        unknown = "exclude"

    body = fields.Raw(load_default=None, metadata={"description": "the message, 1–4,000 characters"})


class ConversationOrgSchema(Schema):
    id = fields.Integer()
    name = fields.String()


def _caller_org_in(conversation) -> int | None:
    side = conversations.side_of(current_user, conversation)
    return None if side is None else (conversation.buyer_org_id if side == "buyer" else conversation.seller_org_id)


class ConversationMessageSchema(Schema):
    id = fields.Integer()
    body = fields.String()
    author = fields.String(attribute="author.name", allow_none=True)
    org_id = fields.Integer(attribute="author_org_id")
    mine = ComputedBoolean("by_caller_side", metadata={"description": "written by the caller's side"})
    created_at = Timestamp()

    def by_caller_side(self, message) -> bool:
        return message.author_org_id == _caller_org_in(message.conversation)


class ConversationSchema(Schema):
    """Dumps a messaging.reading.Thread, or an OpenedConversation (api.conversations) with its messages."""

    id = fields.Integer(attribute="conversation.id")
    subject = fields.String(attribute="conversation.subject")
    side = ComputedString("caller_side", allow_none=True,
                          metadata={"description": "buyer or seller: the caller's side; null for staff"})
    buyer_org = fields.Nested(ConversationOrgSchema, attribute="conversation.buyer_org")
    seller_org = fields.Nested(ConversationOrgSchema, attribute="conversation.seller_org")
    listing_id = fields.Integer(attribute="conversation.listing_id", allow_none=True)
    demand_id = fields.Integer(attribute="conversation.demand_id", allow_none=True)
    offer_id = fields.Integer(attribute="conversation.offer_id", allow_none=True)
    unread = fields.Integer(metadata={"description": "messages from the other side the caller has not read"})
    last_message_at = Timestamp(attribute="conversation.last_message_at")
    last_message = fields.Nested(ConversationMessageSchema, attribute="last", allow_none=True)
    messages = fields.List(fields.Nested(ConversationMessageSchema),
                           metadata={"description": "on GET /conversations/{id} and after posting"})

    def caller_side(self, thread) -> str | None:
        return conversations.side_of(current_user, thread.conversation)


class ConversationListSchema(Schema):
    total = fields.Integer()
    unread = fields.Integer(metadata={"description": "threads with unread messages"})
    results = fields.List(fields.Nested(ConversationSchema))


def _refused(error: conversations.ConversationError) -> None:
    message = refusal_message(error.code)
    if error.code in ("empty", "too_long"):
        raise ValidationError(_("Some fields need attention."), fields={"body": [message]})
    if error.code == "not_found":
        raise NotFound(message)
    if error.code == "blocked":
        raise Conflict(message)
    raise PermissionDenied(message)


@blp.route("/conversations")
@signed_in
@blp.response(200, ConversationListSchema)
@blp.doc(security=BEARER)
def list_conversations():
    """The caller's threads (as buyer or seller), unread first, with `unread` message counts."""
    threads = reading.threads_for(db.session, current_user)
    return {"total": len(threads), "unread": sum(1 for t in threads if t.unread), "results": threads}


@blp.route("/conversations", methods=["POST"])
@signed_in
@limits.new_conversations
@limits.messages
@blp.arguments(ConversationInputSchema)
@blp.response(201, ConversationSchema)
@blp.doc(security=BEARER)
def create_conversation(body: dict):
    """Ask about a listing (`listing_id`), answer a request (`demand_id`), talk about an offer
    (`offer_id`) or a match (`listing_id` and `demand_id`). Asking again about the same thing
    continues the same thread. 403 when the caller acts for no organisation (or for the wrong one),
    404 when the thing is not found, 409 when one side has blocked the other, 422 for an empty or
    too long message, 429 when sending too much."""
    ids = {name: body.get(name) for name in ("listing_id", "demand_id", "offer_id")}
    if not any(value is not None for value in ids.values()):
        raise ValidationError(_("Some fields need attention."), fields={
            "listing_id": [_("Say what the conversation is about: listing_id, demand_id or offer_id.")]})
    try:
        topic = conversations.resolve_topic(db.session, current_user, **ids)
        conversation = conversations.start_conversation(db.session, current_user, topic, text_of(body.get("body")))
    except conversations.ConversationError as error:
        _refused(error)
    db.session.commit()
    return OpenedConversation(conversation, reading.messages_of(db.session, conversation)), 201


def _party_conversation(conversation_id: int) -> Conversation:
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None or (conversations.side_of(current_user, conversation) is None
                                and not current_user.is_staff):
        raise NotFound(_("We could not find that conversation."))
    return conversation


@blp.route("/conversations/<int:conversation_id>")
@signed_in
@blp.response(200, ConversationSchema)
@blp.doc(security=BEARER)
def get_conversation(conversation_id: int):
    """One thread with its messages; reading it marks it read for the caller (staff reading a
    thread they are not party to is recorded)."""
    _party_conversation(conversation_id)
    # A write in a GET request: end the read transaction, then write in one of its own.
    db.session.commit()
    with db.writing():
        reading.record_reading(db.session, current_user, db.session.get(Conversation, conversation_id))
        db.session.commit()
    conversation = _party_conversation(conversation_id)
    return OpenedConversation(conversation, reading.messages_of(db.session, conversation))


@blp.route("/conversations/<int:conversation_id>/messages", methods=["POST"])
@signed_in
@limits.messages
@blp.arguments(MessageInputSchema)
@blp.response(201, ConversationMessageSchema)
@blp.doc(security=BEARER)
def post_conversation_message(body: dict, conversation_id: int):
    """Answer in a thread: 201 with the message; 403 for staff (they read, they do not speak for
    a side), 404 for anyone else, 409 when blocked, 422 for an empty or too long message."""
    conversation = _party_conversation(conversation_id)
    try:
        message = conversations.post_message(db.session, current_user, conversation, text_of(body.get("body")))
    except conversations.ConversationError as error:
        _refused(error)
    db.session.commit()
    return message, 201
