"""A cooperative's member clubs: the board page where either side proposes, answers and leaves
(staff look and may end one), the sections on both organisations' pages, and the notices' words."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import code_sharing, db, page_sections
from marketplace.access import signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import on_board
from marketplace.cooperatives import membership, rules, sharing
from marketplace.cooperatives.forms import MemberActionForm, ProposeMemberForm
from marketplace.cooperatives.labels import MEMBER_STATUS_LABELS
from marketplace.errors import NotFound, PermissionDenied, or_404
from marketplace.extensions import limiter
from marketplace.forms import choices
from marketplace.notifications.wording import word_notices
from marketplace.saving import posted, saving

bp = Blueprint("coop_members", __name__)
# Proposing and answering tell the other side's board: bounded like anything that sends a message.
NOTICE_LIMIT = "30 per hour"


def describe_notice(kind: str, p: dict) -> str | None:
    words = {
        membership.PROPOSED: _("Membership proposed between %(cooperative)s and %(club)s.",
                               cooperative=p.get("cooperative", ""), club=p.get("club", "")),
        membership.ACCEPTED: _("%(club)s is now a member club of %(cooperative)s.",
                               cooperative=p.get("cooperative", ""), club=p.get("club", "")),
        membership.DECLINED: _("The membership of %(club)s in %(cooperative)s was declined.",
                               cooperative=p.get("cooperative", ""), club=p.get("club", "")),
        membership.WITHDRAWN: _("The proposal between %(club)s and %(cooperative)s was withdrawn.",
                                cooperative=p.get("cooperative", ""), club=p.get("club", "")),
        membership.ENDED: _("The membership of %(club)s in %(cooperative)s has ended: %(reason)s",
                            cooperative=p.get("cooperative", ""), club=p.get("club", ""),
                            reason=p.get("reason", "")),
    }
    return words.get(kind)


word_notices(bp, "coop_member", describe_notice)


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "organization_history", _members_section)
    code_sharing.register(state.app, usable_codes=sharing.usable_codes, member_on=sharing.member_on)


def _members_section(org: Organization, **_context) -> str | None:
    """Public: a cooperative's member clubs ("Hội quán thành viên"), a club's cooperatives ("Thành
    viên HTX …"); and, for the board and staff, the way to the board page."""
    clubs = membership.member_clubs(db.session, org.id) if org.kind in rules.COOPERATIVE_KINDS else []
    cooperatives = membership.cooperatives_of(db.session, org.id) if org.kind in rules.CLUB_KINDS else []
    manage = _may_see(org)
    if not clubs and not cooperatives and not manage:
        return None
    return render_template("cooperatives/_members_section.html", org=org, clubs=clubs, cooperatives=cooperatives,
                           manage=manage)


def _may_see(org: Organization) -> bool:
    if org.kind not in rules.CLUB_KINDS | rules.COOPERATIVE_KINDS or not current_user.is_authenticated:
        return False
    return on_board(current_user, org) or current_user.is_staff


def _org_for_board(org_id: int) -> Organization:
    org = or_404(db.session.get(Organization, org_id))
    if org.kind not in rules.CLUB_KINDS | rules.COOPERATIVE_KINDS:
        raise NotFound()
    if not _may_see(org):
        raise PermissionDenied()
    return org


@bp.route("/orgs/<int:org_id>/cooperative-members")
@signed_in
def index(org_id: int):
    org = _org_for_board(org_id)
    board = on_board(current_user, org)
    form = ProposeMemberForm()
    form.other_id.choices = choices([("", _("Choose…")), *((str(o.id), o.name)
                                                          for o in membership.candidates(db.session, org))])
    return render_template("cooperatives/members.html", org=org, board=board, form=form,
                           rows=membership.rows_of(db.session, org), status_labels=MEMBER_STATUS_LABELS,
                           action_form=MemberActionForm(), side_of=membership.side_of,
                           may_act=_actions_for(org, board))


def _actions_for(org: Organization, board: bool):
    def actions(row) -> list[str]:
        side = membership.side_of(row, org) if board else "staff"
        proposer = "cooperative" if row.proposed_by_org_id == row.cooperative_id else "club"
        found = [a for a in rules.MEMBER_ACTIONS
                 if rules.may_act(a, status=row.status, acting_side=side, proposer_side=proposer)]
        if board and current_user.is_staff:
            found += [a for a in ("end",) if rules.may_act(a, status=row.status, acting_side="staff",
                                                          proposer_side=proposer)]
        return found
    return actions


@bp.route("/orgs/<int:org_id>/cooperative-members", methods=["POST"])
@signed_in
@limiter.limit(NOTICE_LIMIT, methods=["POST"])
def propose(org_id: int):
    org = _org_for_board(org_id)
    if not on_board(current_user, org):
        raise PermissionDenied()
    form = ProposeMemberForm()
    raw = form.other_id.data or ""
    if posted(form):
        other = db.session.get(Organization, int(raw)) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
        is_coop = org.kind in rules.COOPERATIVE_KINDS
        with saving(done=_("The proposal is sent; the other side's board answers it.")):
            membership.propose(db.session, cooperative=org if is_coop else other, club=other if is_coop else org,
                               by=org, user=current_user)
    return redirect(url_for("coop_members.index", org_id=org.id))


@bp.route("/orgs/<int:org_id>/cooperative-members/<int:member_id>", methods=["POST"])
@signed_in
@limiter.limit(NOTICE_LIMIT, methods=["POST"])
def act(org_id: int, member_id: int):
    org = _org_for_board(org_id)
    row = membership.get_row(db.session, member_id)
    if row is None or org.id not in (row.cooperative_id, row.club_id):
        raise NotFound()
    form = MemberActionForm()
    if posted(form):
        action = form.action.data
        # Staff who are not on this organisation's board act as staff (end); the board as its side.
        acting = None if action == "end" and current_user.is_staff else org
        if acting is not None and not on_board(current_user, org):
            raise PermissionDenied()
        with saving(done=_("Done.")):
            membership.act(db.session, row, action, acting=acting, user=current_user, reason=form.reason.data or "")
    return redirect(url_for("coop_members.index", org_id=org.id))
