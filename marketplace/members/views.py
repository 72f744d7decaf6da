"""Members pages: the board's page of members, invitations and households (/orgs/<id>/members),
a household's page, and joining by link (/join/<token>) or by code (/join). Views parse, authorise,
call one service, commit once."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db, page_sections
from marketplace.access import public, signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import member_or_staff, on_board
from marketplace.errors import Conflict, or_404
from marketplace.extensions import limiter
from marketplace.forms import CsrfForm, add_problem
from marketplace.links import public_url
from marketplace.members import forms, limits, rules
from marketplace.members import services as members
from marketplace.members.models import Invitation
from marketplace.places.services import resolve_commune
from marketplace.saving import flash_message, form_page, posted, raise_if_problems, refuse, saving, submitted

bp = Blueprint("members", __name__)
PENDING = "pending_invitation"  # the session key of the invitation a visitor opened (by link or code)
SHOWN = "invitation_shown"  # the link and code just made, for the inviter's next page only


@bp.record_once
def _register_sections(state) -> None:
    page_sections.add(state.app, "organization_actions", _org_action)


def _org_action(org: Organization, user=None, **_context) -> str | None:
    """The "Members" button on the organisation's page, for its board."""
    if not on_board(user, org):
        return None
    return render_template("members/_org_action.html", org=org)


def _board_org(org_id: int) -> Organization:
    """The organisation, for its board (and administrators); anyone else: 403."""
    org = or_404(db.session.get(Organization, org_id))
    if not on_board(current_user, org):
        abort(403)
    return org


def _role_choices(org: Organization) -> list[tuple[str, str]]:
    return [(role, str(forms.ROLE_LABELS[role])) for role in rules.invite_roles(org.kind)]


def _page(org: Organization, form, shown: dict | None = None, status: int = 200):
    return render_template(
        "members/index.html", org=org, form=form, shown=shown, csrf=CsrfForm(),
        memberships=members.members_of(db.session, org), invitations=members.open_invitations(db.session, org),
        households=members.households_with_counts(db.session, org), role_labels=forms.ROLE_LABELS), status


@bp.route("/orgs/<int:org_id>/members", methods=["GET", "POST"])
@signed_in
@limits.invitations
def index(org_id: int):
    org = _board_org(org_id)
    form = forms.InviteForm()
    form.role.choices = _role_choices(org)
    if form.validate_on_submit():
        with saving(form) as saved:
            invited = members.invite(db.session, org, current_user, name=form.name.data, contact=form.contact.data,
                                     role=form.role.data, title=form.title.data or "")
            shown = _shown(org, invited)
            if invited.invitation.email:
                members.queue_invitation_mail(db.session, invited.invitation,
                                              _("Invitation to join %(org)s", org=org.name), shown["text"])
        if saved:
            limits.invited()
            # Shown once on the page it redirects to (reloading that page makes no second invitation).
            session[SHOWN] = shown
            return redirect(url_for("members.index", org_id=org.id) + "#invited")
    shown = session.pop(SHOWN, None) if request.method == "GET" else None
    if shown is not None and shown.get("org_id") != org.id:
        shown = None
    return _page(org, form, shown, status=422 if form.errors else 200)


def _shown(org: Organization, invited: members.Invited) -> dict:
    """What the inviter sees once: the link, the code and the message to pass on."""
    link = public_url("members.join", token=invited.token)
    text = members.share_text(org, current_user, link, invited.code, invited.invitation.expires_at,
                              public_url("members.join_code"))
    invitation = invited.invitation
    return {"org_id": org.id, "link": link, "code": invited.code, "text": text, "emailed": bool(invitation.email),
            "name": invitation.name, "phone": invitation.phone, "email": invitation.email}


@bp.route("/orgs/<int:org_id>/members/invitations/<int:invitation_id>/revoke", methods=["POST"])
@signed_in
def revoke(org_id: int, invitation_id: int):
    org = _board_org(org_id)
    if posted(CsrfForm()):
        with saving(done=_("The invitation was withdrawn.")):
            members.revoke(db.session, members.invitation_of(db.session, org, invitation_id))
    return redirect(url_for("members.index", org_id=org.id))


@bp.route("/orgs/<int:org_id>/members/<int:membership_id>/remove", methods=["POST"])
@signed_in
def remove(org_id: int, membership_id: int):
    org = _board_org(org_id)
    if posted(CsrfForm()):
        with saving(catch=(Conflict,), show=flash_message, done=_("The member was removed.")):
            members.remove_member(db.session, org, membership_id)
    if not on_board(current_user, org):  # removed themselves
        return redirect(url_for("main.home"))
    return redirect(url_for("members.index", org_id=org.id))


@bp.route("/orgs/<int:org_id>/members/<int:membership_id>/board", methods=["POST"])
@signed_in
def board(org_id: int, membership_id: int):
    org = _board_org(org_id)
    if posted(CsrfForm()):
        onto = request.form.get("board") == "1"
        with saving(catch=(Conflict,), show=flash_message, done=_("The board was changed.")):
            members.set_board(db.session, org, membership_id, onto)
    if not on_board(current_user, org):
        return redirect(url_for("main.organization", org_id=org.id))
    return redirect(url_for("members.index", org_id=org.id))


# --- households ----------------------------------------------------------------------------------

def _household_form(org: Organization, household=None) -> forms.HouseholdForm:
    form = forms.HouseholdForm(obj=None)
    if household is not None and request.method == "GET":
        form.name.data, form.crops.data, form.note.data = household.name, household.crops, household.note
        form.area_ha.data = "" if household.area_ha is None else f"{household.area_ha:g}".replace(".", ",")
        form.commune_code.data = household.commune_code or ""
        form.commune_query.data = household.commune.label if household.commune else ""
        form.planting_code_ids.data = [str(code.id) for code in household.planting_codes]
    form.planting_code_ids.choices = [(str(code.id), f"{code.code} ({code.crop})" if code.crop else code.code)
                                      for code in members.usable_codes(db.session, org)]
    return form


def _save_household(org: Organization, household, form):
    commune = resolve_commune(db.session, form.commune_code.data, form.commune_query.data)
    if (form.commune_query.data or "").strip() and commune is None:
        add_problem(form, "commune_query", _("Pick a commune or ward from the list."))
    # Anything but a plain id names no code (0): the service answers "choose among the club's codes".
    ids = tuple(int(value) if str(value).isascii() and str(value).isdigit() and len(str(value)) < 12 else 0
                for value in form.planting_code_ids.data or ())
    data = members.HouseholdInput(name=form.name.data or "", commune_code=commune.code if commune else None,
                                  area_ha=form.area_ha.data or "", crops=form.crops.data or "",
                                  note=form.note.data or "", planting_code_ids=ids)
    with saving(form, done=_("The household is saved.")) as saved:
        members.save_household(db.session, org, household, data, current_user)
        raise_if_problems(form)
    return saved


@bp.route("/orgs/<int:org_id>/members/households/new", methods=["GET", "POST"])
@signed_in
def new_household(org_id: int):
    org = _board_org(org_id)
    form = _household_form(org)
    if submitted(form) and _save_household(org, None, form):
        return redirect(url_for("members.index", org_id=org.id) + "#households")
    return form_page("members/household_form.html", form, org=org, household=None)


@bp.route("/orgs/<int:org_id>/members/households/<int:household_id>/edit", methods=["GET", "POST"])
@signed_in
def edit_household(org_id: int, household_id: int):
    org = _board_org(org_id)
    household = members.household_of(db.session, org, household_id)
    form = _household_form(org, household)
    if submitted(form) and _save_household(org, household, form):
        return redirect(url_for("members.household", org_id=org.id, household_id=household.id))
    return form_page("members/household_form.html", form, org=org, household=household)


@bp.route("/orgs/<int:org_id>/members/households/<int:household_id>/active", methods=["POST"])
@signed_in
def household_active(org_id: int, household_id: int):
    org = _board_org(org_id)
    household = members.household_of(db.session, org, household_id)
    if posted(CsrfForm()):
        active = request.form.get("active") == "1"
        with saving(done=_("The household is active again.") if active else _("The household is marked as left.")):
            members.set_household_active(db.session, household, active)
    return redirect(url_for("members.household", org_id=org.id, household_id=household.id))


@bp.route("/orgs/<int:org_id>/members/households/<int:household_id>", methods=["GET"])
@signed_in
def household(org_id: int, household_id: int):
    """What a household produced and sold: the organisation's members and board, staff to look."""
    org = or_404(db.session.get(Organization, org_id))
    if not member_or_staff(current_user, org.id):
        abort(403)
    found = members.household_of(db.session, org, household_id)
    return render_template("members/household.html", org=org, household=found, csrf=CsrfForm(),
                           report=members.household_report(db.session, found),
                           board=on_board(current_user, org))


# --- joining -------------------------------------------------------------------------------------

@bp.route("/join/<token>", methods=["GET"])
@public
@limiter.limit(limits.JOIN_PER_ADDRESS)
def join(token: str):
    invitation = members.by_token(db.session, token)
    if invitation is None:
        return refuse(_("This invitation link is not valid. Check it, or enter the code instead."),
                      url_for("members.join_code"))
    session[PENDING] = invitation.id
    return redirect(url_for("members.pending"))


@bp.route("/join", methods=["GET", "POST"])
@public
@limiter.limit(limits.JOIN_PER_ADDRESS, methods=["POST"])
def join_code():
    form = forms.JoinCodeForm()
    if form.validate_on_submit():
        invitation = members.by_code(db.session, form.contact.data, form.code.data)
        db.session.commit()  # a wrong code's count stays
        if invitation is not None:
            session[PENDING] = invitation.id
            return redirect(url_for("members.pending"))
        form.code.errors = [_("This code does not match an open invitation for that phone number or e-mail. "
                              "After %(n)d wrong tries the code stops working: use the link then.",
                              n=rules.MAX_CODE_ATTEMPTS)]
    return form_page("members/join_code.html", form)


def _pending() -> Invitation | None:
    invitation_id = session.get(PENDING)
    return db.session.get(Invitation, invitation_id) if isinstance(invitation_id, int) else None


@bp.route("/join/invitation", methods=["GET"])
@public
def pending():
    invitation = _pending()
    if invitation is None:
        return redirect(url_for("members.join_code"))
    org = invitation.organization
    role, on_the_board = rules.membership_of(invitation.role, org.kind)
    already = current_user.is_authenticated and members.is_member(db.session, org.id, current_user)
    return render_template("members/join.html", invitation=invitation, org=org, role=role, board=on_the_board,
                           problem=members.refusal(db.session, invitation), already=already, csrf=CsrfForm(),
                           role_labels=forms.ROLE_LABELS)


@bp.route("/join/accept", methods=["POST"])
@signed_in
def accept():
    invitation = _pending()
    if invitation is None:
        return redirect(url_for("members.join_code"))
    if not posted(CsrfForm()):
        return redirect(url_for("members.pending"))
    org_id = invitation.organization_id
    with saving(catch=(Conflict,), show=flash_message) as saved:
        members.accept(db.session, invitation.id, current_user)
    if saved:
        session.pop(PENDING, None)
        flash(_("Welcome! You are now a member of %(org)s.", org=invitation.organization.name), "success")
        return redirect(url_for("main.organization", org_id=org_id))
    return redirect(url_for("members.pending"))
