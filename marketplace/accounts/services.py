"""Use cases for accounts. Each takes the session, flushes, and leaves the commit to the caller."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from marketplace.accounts import rules
from marketplace.accounts.models import ApiToken, Membership, Organization, User
from marketplace.accounts.passwords import hash_password, needs_rehash, verify_password
from marketplace.db import utcnow
from marketplace.errors import Conflict, PermissionDenied, ValidationError, or_404
from marketplace.numbers import MAX_ID
from marketplace.vietnamese import clean, slugify

TOKEN_PREFIX = "chq_"  # noqa: S105  # nosec B105  # a public prefix that tells tokens apart, not a secret

PASSWORD_MESSAGES = {
    "too_short": lambda: _("Use at least %(n)d characters.", n=rules.PASSWORD_MIN_LENGTH),
    "too_long": lambda: _("Use at most %(n)d characters.", n=rules.PASSWORD_MAX_LENGTH),
    "too_simple": lambda: _("Use more different characters."),
    "contains_identifier": lambda: _("Do not put your e-mail or phone number in the password."),
}


def password_messages(password: str, identifiers: tuple[str, ...] = ()) -> list[str]:
    return [PASSWORD_MESSAGES[p]() for p in rules.password_problems(password, identifiers=identifiers)]


def find_user(db: Session, identifier: str) -> User | None:
    parsed = rules.parse_identifier(identifier)
    if parsed is None:
        return None
    kind, value = parsed
    column = User.email if kind == "email" else User.phone
    return db.scalar(select(User).where(column == value))


def load_user_from_session_id(db: Session, session_id: str) -> User | None:
    """Flask-Login's user loader: "id:generation"; an old generation means signed out."""
    user_id, _sep, generation = session_id.partition(":")
    if not user_id.isdecimal() or not generation.isdecimal():
        return None
    user = db.get(User, int(user_id))
    if user is None or user.session_generation != int(generation) or not user.active:
        return None
    return user


def _new_user_problems(name: str, password: str, email: str | None, phone: str | None,
                       ) -> tuple[dict[str, list[str]], str | None, str | None]:
    """What is wrong with a new account's own fields (not whether it is taken), and its e-mail
    address and phone number as stored."""
    fields: dict[str, list[str]] = {}
    email_value = rules.normalize_email(email) if email else None
    phone_value = rules.normalize_phone(phone) if phone else None
    if email and not email_value:
        fields["email"] = [_("This is not an e-mail address.")]
    if phone and not phone_value:
        fields["phone"] = [_("Enter a Vietnamese phone number, e.g. 0912 345 678.")]
    if not email and not phone:
        fields["email"] = [_("Give an e-mail address or a phone number.")]
    if not clean(name):
        fields["name"] = [_("Enter your name.")]
    problems = password_messages(password, tuple(x for x in (email_value, phone_value) if x))
    if problems:
        fields["password"] = problems
    return fields, email_value, phone_value


def _holder(db: Session, column, value: str | None) -> User | None:
    return db.scalar(select(User).where(column == value)) if value else None


def create_user(
    db: Session, *, name: str, password: str, email: str | None = None, phone: str | None = None,
    locale: str = "vi",
) -> User:
    """An account made by staff, the command line or tests: an e-mail or phone number that already
    has an account is refused by name (sign-up, which must not say so, uses sign_up)."""
    fields, email_value, phone_value = _new_user_problems(name, password, email, phone)
    if _holder(db, User.email, email_value):
        fields.setdefault("email", []).append(_("An account with this e-mail already exists."))
    if _holder(db, User.phone, phone_value):
        fields.setdefault("phone", []).append(_("An account with this phone number already exists."))
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    return _add_user(db, name, password, email_value, phone_value, locale)


def _add_user(db: Session, name: str, password: str, email: str | None, phone: str | None, locale: str) -> User:
    user = User(name=clean(name), email=email, phone=phone, password_hash=hash_password(password), locale=locale)
    db.add(user)
    db.flush()
    return user


@dataclass(frozen=True)
class SignUp:
    """What a sign-up did. The person who sent it is told the same either way (issue #14)."""

    user: User | None  # the new account; None when the e-mail or the phone number already had one
    address_owner: User | None  # the account that already has the e-mail address typed: told by mail


def sign_up(db: Session, *, name: str, password: str, email: str | None = None, phone: str | None = None,
            locale: str = "vi") -> SignUp:
    """Sign-up that does not tell whether an e-mail address or phone number has an account: the
    fields' own problems are raised as create_user raises them, but an identifier already taken
    creates nothing and is not an error. Both ways hash the password once (Argon2's ~150 ms is
    most of a sign-up's time), so they take as long as each other."""
    fields, email_value, phone_value = _new_user_problems(name, password, email, phone)
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    address_owner = _holder(db, User.email, email_value)
    if address_owner is not None or _holder(db, User.phone, phone_value) is not None:
        hash_password(password)  # the cost of the account not created
        return SignUp(user=None, address_owner=address_owner)
    try:
        with db.begin_nested():  # one sent at the same moment with the same identifier took it
            user = _add_user(db, name, password, email_value, phone_value, locale)
    except IntegrityError:
        return SignUp(user=None, address_owner=_holder(db, User.email, email_value))
    return SignUp(user=user, address_owner=None)


def authenticate(db: Session, identifier: str, password: str) -> User | None:
    """The user whose identifier and password match, or None; the same cost either way."""
    user = find_user(db, identifier)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    db.flush()
    return user


def end_all_sessions(db: Session, user: User) -> None:
    """Every session cookie and remember-me cookie of this user stops working."""
    user.session_generation += 1
    db.flush()


def change_password(db: Session, user: User, current: str, new: str) -> None:
    if not verify_password(user.password_hash, current):
        raise ValidationError(_("Some fields need attention."),
                              fields={"current_password": [_("The current password is wrong.")]})
    set_password(db, user, new)


def set_password(db: Session, user: User, new: str) -> None:
    problems = password_messages(new, tuple(x for x in (user.email, user.phone) if x))
    if problems:
        raise ValidationError(_("Some fields need attention."), fields={"password": problems})
    user.password_hash = hash_password(new)
    end_all_sessions(db, user)


# Password reset ---------------------------------------------------------------------------

def _reset_serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt="password-reset")


def _password_fingerprint(user: User) -> str:
    # The token carries a digest of the current hash, so it is void once the password changes.
    return hashlib.sha256(user.password_hash.encode()).hexdigest()[:16]


def make_reset_token(user: User, secret_key: str) -> str:
    return _reset_serializer(secret_key).dumps({"u": user.id, "p": _password_fingerprint(user)})


def user_for_reset_token(db: Session, token: str, secret_key: str, max_age: int) -> User | None:
    try:
        data = _reset_serializer(secret_key).loads(token, max_age=max_age)
    except (BadSignature, SignatureExpired):
        return None
    user = db.get(User, data.get("u")) if isinstance(data, dict) else None
    if user is None or not user.active or data.get("p") != _password_fingerprint(user):
        return None
    return user


# Organisations ----------------------------------------------------------------------------

def unique_org_ref(db: Session, name: str) -> str:
    base = slugify(name)[:50] or "org"
    ref, n = base, 1
    while db.scalar(select(Organization.id).where(Organization.ref == ref)):
        n += 1
        ref = f"{base}-{n}"
    return ref


def create_organization(
    db: Session, *, kind: str, name: str, commune_code: str | None = None, ref: str | None = None,
    founded_from: Organization | None = None, founded_on: date | None = None, **fields,
) -> Organization:
    if kind not in rules.ORG_KINDS:
        raise ValidationError(_("Some fields need attention."),
                              fields={"kind": [_("Choose a kind of organisation.")]})
    if not clean(name):
        raise ValidationError(_("Some fields need attention."),
                              fields={"name": [_("Enter the organisation's name.")]})
    if ref and db.scalar(select(Organization.id).where(Organization.ref == ref)):
        raise Conflict(_("An organisation with this reference already exists."))
    org = Organization(
        kind=kind, name=clean(name), commune_code=commune_code,
        ref=ref or unique_org_ref(db, name), founded_from=founded_from, founded_on=founded_on,
        **fields,
    )
    db.add(org)
    db.flush()
    return org


def add_member(db: Session, org: Organization, user: User, role: str, title: str = "", *,
               board: bool | None = None) -> Membership:
    """Make `user` a member of `org` with `role` (or change the role they have). `board`: on the
    organisation's board (invites and removes members); None leaves an existing member's as it is
    (a new member is not)."""
    if role not in rules.ROLES:
        raise ValidationError(_("Unknown role."), fields={"role": [_("Unknown role.")]})
    existing = db.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.organization_id == org.id)
    )
    if existing:
        existing.role, existing.title = role, title or existing.title
        if board is not None:
            existing.board = board
        db.flush()
        return existing
    membership = Membership(user=user, organization=org, role=role, title=title, board=bool(board))
    db.add(membership)
    db.flush()
    return membership


def get_organization(db: Session, org_id: int) -> Organization:
    return or_404(db.get(Organization, org_id), _("We could not find that organisation."))


def organization_for(db: Session, org_id: int, user, may: Callable[[User, Organization], bool]) -> Organization:
    """The organisation whose page a view serves, when may(user, org) lets this user in: otherwise
    the plain not-found (no such row, or an id no row can have) or forbidden page."""
    org = or_404(db.get(Organization, org_id) if 0 < org_id <= MAX_ID else None)
    if not may(user, org):
        raise PermissionDenied()
    return org


def list_organizations(db: Session, kinds: frozenset[str] | None = None, *,
                       limit: int | None = None) -> list[Organization]:
    stmt = select(Organization).order_by(Organization.name).limit(limit)
    if kinds:
        stmt = stmt.where(Organization.kind.in_(kinds))
    return list(db.scalars(stmt))


def count_by_kind(db: Session) -> dict[str, int]:
    rows = db.execute(select(Organization.kind, func.count()).group_by(Organization.kind))
    return {kind: n for kind, n in rows}


# API tokens -------------------------------------------------------------------------------

def _token_digest(token: str) -> str:
    # Tokens are 256 random bits, so a fast hash is enough: there is nothing to brute-force.
    return hashlib.sha256(token.encode()).hexdigest()


def create_api_token(db: Session, user: User, name: str = "") -> str:
    """Create a token and return it in clear; only its digest is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    db.add(ApiToken(user=user, token_hash=_token_digest(token), prefix=token[:10], name=name))
    db.flush()
    return token


def user_for_api_token(db: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX):
        return None
    record = db.scalar(select(ApiToken).where(ApiToken.token_hash == _token_digest(token)))
    if record is None or record.revoked_at is not None or not record.user.active:
        return None
    return record.user


PROFILE_FIELDS = ("name", "description", "grows", "tourism", "tourism_offer", "phone", "zalo", "email",
                  "website", "address", "members_count", "commune_code")


# Called as hook(db, org, user, {field: (before, after)}) when an organisation's name or kind
# changes: the verification package, which sits above accounts, registers here at start-up (what
# staff verified was the old name, so the badge goes until they look again).
IDENTITY_CHANGE_HOOKS: list[Callable] = []
IDENTITY_FIELDS = ("name", "kind")


def update_profile(db: Session, org: Organization, changes: dict, user: User | None = None) -> Organization:
    """Owners edit their page: checked like sign-up (name required, Vietnamese phone numbers)."""
    fields: dict[str, list[str]] = {}
    if "name" in changes and not clean(changes["name"]):
        fields["name"] = [_("Enter the organisation's name.")]
    for name in ("phone", "zalo"):
        if changes.get(name):
            normalized = rules.normalize_phone(changes[name])
            if normalized is None:
                fields[name] = [_("Enter a Vietnamese phone number, e.g. 0912 345 678.")]
            changes[name] = normalized or ""
    if changes.get("email"):
        email = rules.normalize_email(changes["email"])
        if email is None:
            fields["email"] = [_("This is not an e-mail address.")]
        changes["email"] = email or ""
    members = changes.get("members_count")
    if members is not None and (members < 0 or members > 100_000):
        fields["members_count"] = [_("Enter a number of households between 0 and 100,000.")]
    if fields:
        raise ValidationError(_("Some fields need attention."), fields=fields)
    before = {name: getattr(org, name) for name in IDENTITY_FIELDS}
    for name, value in changes.items():
        if name in PROFILE_FIELDS:
            setattr(org, name, clean(value) if isinstance(value, str) and name not in (
                "description", "tourism_offer", "grows") else value)
    db.flush()
    identity_changed(db, org, user, before)
    return org


def identity_changed(db: Session, org: Organization, user: User | None, before: dict) -> None:
    """Tell the registered hooks which of the organisation's name and kind differ from `before`."""
    changed = {name: (before[name], getattr(org, name)) for name in before if before[name] != getattr(org, name)}
    if changed:
        for hook in IDENTITY_CHANGE_HOOKS:
            hook(db, org, user, changed)


def set_mail_choice(db: Session, user: User, choice: str) -> None:
    if choice not in rules.MAIL_CHOICES:
        raise ValueError(choice)
    if choice == "daily" and user.mail_notifications != "daily":
        user.digest_sent_at = utcnow()  # the first digest gathers what comes from now on
    user.mail_notifications = choice
    db.flush()


def board_of(db: Session, org_id: int) -> list[User]:
    """The organisation's board members with active accounts: who hears of what concerns the
    organisation as a whole (its cooperative membership, its concerns answered, its weekly bulletin)."""
    return list(db.scalars(select(User).join(Membership, Membership.user_id == User.id)
                           .where(Membership.organization_id == org_id, Membership.board.is_(True),
                                  User.active.is_(True)).order_by(User.id)))


def staff_members(db: Session) -> list[User]:
    """Active staff and administrators (administrators do staff work too)."""
    return list(db.scalars(select(User).where(User.active.is_(True), User.id.in_(
        select(Membership.user_id).where(Membership.role.in_(("staff", "admin"))))).order_by(User.id)))


def buyers_of(db: Session, org_id: int) -> list[User]:
    """The active members who buy for the organisation (rules.may_buy_as: a buyer organisation's
    buyers; a club's buyers and board): who hears of offers and matches for its requests."""
    org = db.get(Organization, org_id)
    if org is None:
        return []
    rows = db.execute(select(User, Membership.role, Membership.board).join(Membership, Membership.user_id == User.id)
                      .where(Membership.organization_id == org_id, User.active.is_(True)).order_by(User.id))
    return [user for user, role, board in rows if rules.may_buy_as(org.kind, role, bool(board))]
