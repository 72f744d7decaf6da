"""API v1 for an organisation's members: the list (its members and staff) and invitations (its
board). What the web page does, in JSON: the same services, the same rules."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_login import current_user

from marketplace import db
from marketplace.access import signed_in
from marketplace.accounts.models import Organization
from marketplace.accounts.permissions import member_or_staff, on_board
from marketplace.api.blueprint import BEARER, blp, text_of
from marketplace.api.schemas import InvitationInputSchema, InvitationSchema, MemberListSchema, ProblemSchema
from marketplace.errors import NotFound, PermissionDenied, ValidationError
from marketplace.links import public_url
from marketplace.members import limits
from marketplace.members import services as members


def _org(org_id: int) -> Organization:
    org = db.session.get(Organization, org_id)
    if org is None:
        raise NotFound(_("We could not find that organisation."))
    return org


@blp.route("/orgs/<int:org_id>/members")
@signed_in
@blp.response(200, MemberListSchema)
@blp.alt_response(403, schema=ProblemSchema, description="the caller is not a member of the organisation (nor staff)")
@blp.alt_response(404, schema=ProblemSchema, description="no such organisation")
@blp.doc(security=BEARER)
def list_members(org_id: int):
    """The organisation's members: for its members and staff."""
    org = _org(org_id)
    if not member_or_staff(current_user, org.id):
        raise PermissionDenied(_("Only the organisation's members see its members."))
    found = [{"user_id": m.user_id, "name": m.user.name, "role": m.role, "board": m.board, "title": m.title,
              "joined_at": m.created_at} for m in members.members_of(db.session, org)]
    return {"total": len(found), "results": found}


@blp.route("/orgs/<int:org_id>/members", methods=["POST"])
@signed_in
@limits.invitations
@blp.arguments(InvitationInputSchema)
@blp.response(201, InvitationSchema)
@blp.alt_response(403, schema=ProblemSchema, description="the caller is not on the organisation's board")
@blp.alt_response(404, schema=ProblemSchema, description="no such organisation")
@blp.alt_response(429, schema=ProblemSchema, description="too many invitations in an hour")
@blp.doc(security=BEARER)
def invite_member(body: dict, org_id: int):
    """Invite a person by `phone` or `email` as `role` (seller, buyer or board): 201 with the link
    and the 6-digit code, shown this once (pass them on, e.g. by Zalo). An invitation by e-mail is
    also mailed. 422 with a message per field."""
    org = _org(org_id)
    if not on_board(current_user, org):
        raise PermissionDenied(_("Only the organisation's board invites members."))
    contact_field = "email" if text_of(body.get("email")) and not text_of(body.get("phone")) else "phone"
    try:
        invited = members.invite(db.session, org, current_user, name=text_of(body.get("name")),
                                 contact=text_of(body.get(contact_field)), role=text_of(body.get("role")),
                                 title=text_of(body.get("title")))
    except ValidationError as error:  # the form's "contact" is the body's phone (or email)
        fields = {(contact_field if name == "contact" else name): messages for name, messages in error.fields.items()}
        raise ValidationError(error.message, fields=fields) from None
    link = public_url("members.join", token=invited.token)
    if invited.invitation.email:
        text = members.share_text(org, current_user, link, invited.code, invited.invitation.expires_at,
                                  public_url("members.join_code"))
        members.queue_invitation_mail(db.session, invited.invitation, _("Invitation to join %(org)s", org=org.name),
                                      text)
    db.session.commit()
    limits.invited()
    invitation = invited.invitation
    return {"id": invitation.id, "link": link, "code": invited.code, "expires_at": invitation.expires_at,
            "role": invitation.role, "phone": invitation.phone, "email": invitation.email}, 201
