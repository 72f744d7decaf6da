"""Accounts through the services, in the ways the forms rarely reach: a session id that is not
ours, a password hash from weaker settings, an organisation without a kind, a name or with a
reference taken, an unknown role, a profile out of range, an unknown mail choice."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from flask_babel import force_locale
from sqlalchemy import func, select

from marketplace.accounts import services as accounts
from marketplace.accounts.models import Membership, Organization, User
from marketplace.accounts.passwords import verify_password
from marketplace.errors import Conflict, ValidationError
from tests.factories import PASSWORD, make_org, make_user


@pytest.fixture(autouse=True)
def english(session):
    with force_locale("en"):
        yield


@pytest.mark.parametrize("session_id", ["", "abc:1", "1:", "1:x", ":1", "-1:0"])
def test_a_session_id_not_in_our_form_signs_nobody_in(session, session_id):
    make_user("seller")
    assert accounts.load_user_from_session_id(session, session_id) is None


def test_a_password_hashed_with_weaker_settings_is_hashed_again_at_sign_in(session):
    """A hash made with lighter Argon2 settings (an older release) still signs in, and is
    replaced by one with today's settings; the password stays the same."""
    user = make_user("seller", email="old-hash@example.test")
    weak = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PASSWORD)
    user.password_hash = weak
    session.commit()
    assert accounts.authenticate(session, "old-hash@example.test", PASSWORD).id == user.id
    stored = session.get(User, user.id).password_hash
    assert stored != weak and "m=8," not in stored
    assert verify_password(stored, PASSWORD)


def test_an_organisation_of_no_known_kind_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(session, kind="bank", name="Ngân hàng thử")
    assert caught.value.fields == {"kind": ["Choose a kind of organisation."]}
    assert (
        session.scalar(select(func.count()).select_from(Organization).where(Organization.name == "Ngân hàng thử")) == 0
    )


def test_an_organisation_named_only_with_spaces_is_refused(session):
    with pytest.raises(ValidationError) as caught:
        accounts.create_organization(session, kind="club", name="   ")
    assert caught.value.fields == {"name": ["Enter the organisation's name."]}


def test_an_organisation_with_a_reference_already_taken_is_refused(session):
    make_org("club", name="Hội quán đã có", ref="HQ-DA-CO")
    with pytest.raises(Conflict) as caught:
        accounts.create_organization(session, kind="club", name="Hội quán khác", ref="HQ-DA-CO")
    assert caught.value.message == "An organisation with this reference already exists."
    assert session.scalar(select(func.count()).select_from(Organization).where(Organization.ref == "HQ-DA-CO")) == 1


def test_a_member_with_a_role_we_do_not_have_is_refused(session):
    club = make_org("club")
    user = make_user(None)
    with pytest.raises(ValidationError) as caught:
        accounts.add_member(session, club, user, "owner")
    assert caught.value.fields == {"role": ["Unknown role."]}
    assert session.scalar(select(func.count()).select_from(Membership).where(Membership.user_id == user.id)) == 0


@pytest.mark.parametrize("households", [-1, 100_001])
def test_a_profile_with_households_out_of_range_is_refused_and_changes_nothing(session, households):
    club = make_org("club", name="Hội quán hộ thử")
    with pytest.raises(ValidationError) as caught:
        accounts.update_profile(session, club, {"members_count": households, "description": "Mới"})
    assert caught.value.fields == {"members_count": ["Enter a number of households between 0 and 100,000."]}
    club = session.get(Organization, club.id)
    assert club.members_count != households and club.description != "Mới"


def test_a_profile_change_to_a_field_owners_may_not_edit_is_ignored(session):
    """Only the profile's own fields change: a kind or a reference sent with them stays as it was."""
    club = make_org("club", name="Hội quán giữ loại", ref="HQ-GIU-LOAI")
    accounts.update_profile(session, club, {"kind": "business", "ref": "KHAC", "description": "Trồng xoài"})
    session.commit()
    club = session.get(Organization, club.id)
    assert (club.kind, club.ref, club.description) == ("club", "HQ-GIU-LOAI", "Trồng xoài")


def test_a_mail_choice_we_do_not_offer_is_refused(session):
    user = make_user("seller")
    before = user.mail_notifications
    with pytest.raises(ValueError, match="hourly"):
        accounts.set_mail_choice(session, user, "hourly")
    assert session.get(User, user.id).mail_notifications == before
