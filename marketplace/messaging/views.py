"""Threads (/inbox), starting one, replying, blocking, reporting, contact taps, the one-click mail
choice, and the staff pages for reports and contact counts."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import public, role_required, signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.rules import is_safe_redirect
from marketplace.accounts.services import set_mail_choice
from marketplace.dates import VIETNAM, parse_date, today_in_vietnam
from marketplace.demand.models import DemandPost
from marketplace.forms import CsrfForm
from marketplace.listings.models import Listing
from marketplace.messaging import conversations, leads, limits, moderation, reading, rules
from marketplace.messaging.forms import MailChoiceForm, MessageForm, NewConversationForm, ReportForm
from marketplace.messaging.labels import refusal_message
from marketplace.messaging.models import Conversation, ConversationReport
from marketplace.messaging.notices import describe_notice
from marketplace.notifications import delivery
from marketplace.notifications.presentation import register as register_describer
from marketplace.numbers import MAX_ID
from marketplace.saving import form_page, refuse, saving
from marketplace.spreadsheets import safe_row

bp = Blueprint("messaging", __name__)


@bp.record_once
def _register_notice_words(state) -> None:
    """Notices of kind "message" are worded by this package."""
    register_describer(state.app, "message", describe_notice)


def _refusal_on(form):
    """Show why a message was refused under the message box (what was written stays in it)."""
    def show(error: conversations.ConversationError) -> None:
        form.body.errors = [refusal_message(error.code)]
    return show


def _int_arg(source, name: str) -> int | None:
    value = (source.get(name) or "").strip()
    return int(value) if value.isascii() and value.isdigit() and int(value) <= MAX_ID else None


def _topic_ids(source) -> dict:
    return {name: _int_arg(source, name) for name in ("listing_id", "demand_id", "offer_id")}


@bp.route("/inbox")
@signed_in
def inbox():
    """My organisations' threads, unread first."""
    return render_template("messaging/inbox.html", threads=reading.threads_for(db.session, current_user))


@bp.route("/conversations/new", methods=["GET", "POST"])
@signed_in
@limits.new_conversations
@limits.messages
def new_conversation():
    """Ask about a listing, answer a request, talk about an offer or a match; ?listing_id=… etc."""
    source = request.form if request.method == "POST" else request.args
    ids = _topic_ids(source)
    if not any(ids.values()):
        abort(404)
    try:
        topic = conversations.resolve_topic(db.session, current_user, **ids)
    except conversations.ConversationError as error:
        if error.code == "not_found":
            abort(404)
        flash(refusal_message(error.code), "error")
        return render_template("messaging/new.html", form=NewConversationForm(), topic=None, about=None), 403
    about = _about(topic.listing_id, topic.demand_id)
    existing = conversations.find_conversation(db.session, topic)
    fair_id = _int_arg(source, "fair_id")
    form = NewConversationForm(data={k: v for k, v in {**ids, "fair_id": fair_id}.items() if v is not None})
    if request.method == "POST" and form.validate_on_submit():
        with saving(catch=(conversations.ConversationError,), show=_refusal_on(form),
                    done=_("Sent. You will see the answer in your inbox.")) as saved:
            conversation = conversations.start_conversation(db.session, current_user, topic, form.body.data,
                                                            fair_id=fair_id)
        if saved:
            return redirect(url_for("messaging.thread", conversation_id=conversation.id) + "#latest")
    return form_page("messaging/new.html", form, topic=topic, about=about, existing=existing)


def _about(listing_id: int | None, demand_id: int | None) -> dict:
    return {"listing": db.session.get(Listing, listing_id) if listing_id else None,
            "demand": db.session.get(DemandPost, demand_id) if demand_id else None}


def _conversation_for_reader(conversation_id: int) -> tuple[Conversation, str | None]:
    """The thread and the reader's side; staff who are not a party read it as moderators (logged)."""
    conversation = db.session.get(Conversation, conversation_id)
    if conversation is None:
        abort(404)
    side = conversations.side_of(current_user, conversation)
    if side is None and not current_user.is_staff:
        abort(404)  # a thread's existence is private too
    return conversation, side


@bp.route("/inbox/<int:conversation_id>")
@signed_in
def thread(conversation_id: int):
    _conversation, side = _conversation_for_reader(conversation_id)
    _record_reading(conversation_id)
    return _render_thread(conversation_id, side, MessageForm())


def _record_reading(conversation_id: int) -> None:
    """Opening a thread marks it read (a party) or records the moderator's access (staff): a write
    in a GET request, so in a write transaction of its own."""
    db.session.commit()  # ends the read transaction this request began
    with db.writing():
        reading.record_reading(db.session, current_user, db.session.get(Conversation, conversation_id))
        db.session.commit()


@bp.route("/inbox/<int:conversation_id>/messages", methods=["POST"])
@signed_in
@limits.messages
def reply(conversation_id: int):
    conversation, side = _conversation_for_reader(conversation_id)
    if side is None:
        abort(403)  # moderators read, they do not speak for either side
    form = MessageForm()
    if form.validate_on_submit():
        with saving(catch=(conversations.ConversationError,), show=_refusal_on(form)) as saved:
            conversations.post_message(db.session, current_user, conversation, form.body.data)
        if saved:
            return redirect(url_for("messaging.thread", conversation_id=conversation.id) + "#latest")
    return _render_thread(conversation_id, side, form), 422


def _render_thread(conversation_id: int, side: str | None, form: MessageForm):
    conversation = db.session.get(Conversation, conversation_id)
    other = (conversation.seller_org if side == "buyer" else conversation.buyer_org) if side else None
    mine = (conversation.buyer_org if side == "buyer" else conversation.seller_org) if side else None
    we_blocked = bool(mine and other and any(b.blocked_org_id == other.id
                                             for b in moderation.blocked_by(db.session, mine)))
    return render_template(
        "messaging/thread.html", conversation=conversation, side=side, other=other, form=form,
        messages=reading.messages_of(db.session, conversation),
        seen_upto=reading.other_side_read_upto(db.session, conversation, side) if side else 0,
        blocked=conversations.is_blocked(db.session, conversation.buyer_org_id, conversation.seller_org_id),
        we_blocked=we_blocked, about=_about(conversation.listing_id, conversation.demand_id),
        report_form=ReportForm(), csrf_form=CsrfForm())


@bp.route("/inbox/<int:conversation_id>/report", methods=["POST"])
@signed_in
def report(conversation_id: int):
    conversation, side = _conversation_for_reader(conversation_id)
    if side is None:
        abort(403)
    form = ReportForm()
    if not form.validate_on_submit():
        return refuse(_("Choose what is wrong."), url_for("messaging.thread", conversation_id=conversation.id))
    moderation.report(db.session, current_user, conversation, form.reason.data, form.note.data or "")
    db.session.commit()
    flash(_("Thank you. Staff will look at this conversation."), "success")
    return redirect(url_for("messaging.thread", conversation_id=conversation.id))


def _acting_org_or_403(exclude: int) -> Organization:
    org = conversations.acting_org(current_user, exclude=exclude)
    if org is None:
        abort(403)
    return org


@bp.route("/orgs/<int:org_id>/<any(block, unblock):action>", methods=["POST"])
@signed_in
def block(org_id: int, action: str):
    """My organisation stops (or starts again) hearing from this one."""
    target = db.session.get(Organization, org_id)
    if target is None:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    mine = _acting_org_or_403(exclude=target.id)
    if action == "block":
        moderation.block(db.session, current_user, mine, target)
        flash(_("%(org)s is blocked: neither of you can start a conversation or write to the other.",
                org=target.name), "success")
    else:
        moderation.unblock(db.session, mine, target)
        flash(_("%(org)s is no longer blocked.", org=target.name), "success")
    db.session.commit()
    target_url = request.form.get("next")
    return redirect(target_url if is_safe_redirect(target_url) else url_for("messaging.inbox"))


@bp.route("/contact-events", methods=["POST"])
@signed_in
@limits.contact_taps
def contact_event():
    """A tap on a phone or Zalo link (sent by the page in the background): counted as a lead."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    org = db.session.get(Organization, _int_arg(request.form, "org_id") or 0)
    channel = request.form.get("channel", "")
    if org is None or channel not in rules.CONTACT_CHANNELS:
        abort(400)
    leads.record_contact(db.session, current_user, org, channel, listing_id=_int_arg(request.form, "listing_id"),
                         demand_id=_int_arg(request.form, "demand_id"), fair_id=_int_arg(request.form, "fair_id"))
    db.session.commit()
    return "", 204


# -- the mail choice, one click from any mail ---------------------------------------------------

def _settings_link_user(token: str):
    """The user a mail link speaks for, or the page (410 old, 404 not ours) that asks the person to
    sign in instead: nothing is changed through a link that does not hold."""
    try:
        return delivery.user_for_token(db.session, token), None
    except delivery.SettingsLinkExpired:
        expired, status = True, 410
    except delivery.SettingsLinkInvalid:
        expired, status = False, 404
    page = render_template("messaging/mail_link_unusable.html", expired=expired,
                           max_age_days=current_app.config["MAIL_SETTINGS_LINK_MAX_AGE_DAYS"])
    return None, (page, status)


@bp.route("/mail-settings/<token>", methods=["GET", "POST"])
@public
def mail_settings(token: str):
    user, refusal = _settings_link_user(token)
    if user is None:
        return refusal
    form = MailChoiceForm(data={"mail_notifications": user.mail_notifications})
    if request.method == "POST":
        if form.validate_on_submit():
            set_mail_choice(db.session, user, form.mail_notifications.data)
            db.session.commit()
            flash(_("Saved. Mail will come %(choice)s.", choice=delivery.choice_label(user.mail_notifications)),
                  "success")
            return redirect(url_for("messaging.mail_settings", token=token))
        return render_template("messaging/mail_settings.html", form=form, user=user, token=token), 422
    return render_template("messaging/mail_settings.html", form=form, user=user, token=token)


@bp.route("/mail-settings/<token>/off", methods=["GET", "POST"])
@public
def mail_off(token: str):
    """RFC 8058 one-click unsubscribe: mail programs post here without a page or a CSRF token
    (security.CSRF_EXEMPT_ENDPOINTS); the signed token is the proof. A mail program that only
    knows RFC 2369 opens the address in a browser: that GET shows the choices and changes nothing
    (link checkers and previews fetch addresses too)."""
    if request.method == "GET":
        return redirect(url_for("messaging.mail_settings", token=token))
    user, refusal = _settings_link_user(token)
    if user is None:
        return refusal
    set_mail_choice(db.session, user, "off")
    db.session.commit()
    return render_template("messaging/mail_settings.html", form=MailChoiceForm(data={"mail_notifications": "off"}),
                           user=user, token=token)


# -- staff ------------------------------------------------------------------------------------

@bp.route("/admin/reports")
@role_required("staff")
def reports():
    return render_template("messaging/reports.html", reports=moderation.open_reports(db.session), form=CsrfForm())


@bp.route("/admin/reports/<int:report_id>/resolve", methods=["POST"])
@role_required("staff")
def resolve_report(report_id: int):
    row = db.session.get(ConversationReport, report_id)
    if row is None:
        abort(404)
    if not CsrfForm().validate_on_submit():
        abort(400)
    moderation.resolve_report(db.session, current_user, row)
    db.session.commit()
    flash(_("Marked as handled."), "success")
    return redirect(url_for("messaging.reports"))


def _period() -> tuple[datetime, datetime, dict]:
    """[start, end) from ?from=&to= (days in Việt Nam, both included); the last 30 days by default."""
    problems = {}
    today = today_in_vietnam()
    try:
        first = parse_date(request.args.get("from")) or today - timedelta(days=29)
    except ValueError:
        first, problems["from"] = today - timedelta(days=29), _("Enter a date like 31/12/2026.")
    try:
        last = parse_date(request.args.get("to")) or today
    except ValueError:
        last, problems["to"] = today, _("Enter a date like 31/12/2026.")
    if last < first:
        first, last, problems["to"] = last, first, _("The end is before the start; we swapped them.")
    # In UTC: SQLite stores UTC wall-clock times and compares them as text, dropping any other offset.
    start = datetime.combine(first, datetime.min.time(), tzinfo=VIETNAM).astimezone(UTC)
    end = datetime.combine(last + timedelta(days=1), datetime.min.time(), tzinfo=VIETNAM).astimezone(UTC)
    return start, end, {"from": first, "to": last, "problems": problems}


@bp.route("/admin/contacts")
@role_required("staff")
def contacts():
    """How many buyer–club contacts the platform made in a period: threads, messages, calls, Zalo."""
    start, end, period = _period()
    stats = leads.contact_stats(db.session, start, end)
    if request.args.get("format") == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["seller", "conversations", "phone_taps", "zalo_taps"])
        writer.writerows(safe_row(row) for row in stats.by_seller)  # names people typed: no formulas
        writer.writerow([])
        writer.writerow(["period", period["from"].isoformat(), period["to"].isoformat()])
        for name in ("conversations", "messages", "phone_taps", "zalo_taps", "pairs", "sellers_reached"):
            writer.writerow([name, getattr(stats, name)])
        filename = f"contacts-{period['from'].isoformat()}-{period['to'].isoformat()}.csv"
        return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                        headers={"Content-Disposition": f"attachment; filename={filename}"})
    return render_template("messaging/contacts.html", stats=stats, period=period)
