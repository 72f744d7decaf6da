"""The `marketplace` commands: users create, tokens create, demo (idempotent, never in production)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace import db
from marketplace.accounts.models import Membership, Organization, User
from marketplace.cli import PLATFORM_AGENCY_REF
from marketplace.demo import DEMO_DOMAIN, ORGS, USERS
from marketplace.places.models import Commune
from tests.clients import app_session, login
from tests.database import make_test_app
from tests.factories import PASSWORD, make_org


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def user_with_email(app, email: str) -> tuple[User, list[tuple[str, str, str]]] | None:
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.email == email))
        if user is None:
            return None
        return user, [(m.role, m.organization.ref, m.organization.kind) for m in user.memberships]


def test_users_create_buyer_in_an_org(app, runner):
    with app_session(app) as session:
        make_org("supermarket", ref="st-cli-thu")
        session.commit()
    result = runner.invoke(args=["users", "create", "--email", "Mua@Example.vn", "--password", PASSWORD,
                                 "--role", "buyer", "--org", "st-cli-thu", "--name", "Người mua"])
    assert result.exit_code == 0, result.output
    assert "as buyer of st-cli-thu" in result.output
    user, memberships = user_with_email(app, "mua@example.vn")
    assert user.name == "Người mua"
    assert memberships == [("buyer", "st-cli-thu", "supermarket")]
    assert login(app.test_client(), user).status_code == 302


def test_users_create_on_the_board(app, runner):
    with app_session(app) as session:
        make_org("club", ref="hq-cli-ban")
        session.commit()
    result = runner.invoke(args=["users", "create", "--email", "chunhiem@example.vn", "--password", PASSWORD,
                                 "--role", "seller", "--org", "hq-cli-ban", "--board"])
    assert result.exit_code == 0, result.output
    assert "as seller of hq-cli-ban (board)" in result.output
    plain = runner.invoke(args=["users", "create", "--email", "thanhvien@example.vn", "--password", PASSWORD,
                                "--role", "seller", "--org", "hq-cli-ban"])
    assert plain.exit_code == 0, plain.output
    with app_session(app) as session:
        boards = {m.user.email: m.board for m in session.scalars(select(Membership))
                  if m.organization.ref == "hq-cli-ban"}
    assert boards == {"chunhiem@example.vn": True, "thanhvien@example.vn": False}


@pytest.mark.parametrize("role", ["staff", "admin"])
def test_staff_without_org_joins_the_platform_agency(app, runner, role):
    result = runner.invoke(args=["users", "create", "--email", f"{role}@example.vn", "--password", PASSWORD,
                                 "--role", role])
    assert result.exit_code == 0, result.output
    _user, memberships = user_with_email(app, f"{role}@example.vn")
    assert memberships == [(role, PLATFORM_AGENCY_REF, "agency")]


def test_second_staff_joins_the_same_agency(app, runner):
    for n in (1, 2):
        result = runner.invoke(args=["users", "create", "--email", f"staff{n}@example.vn",
                                     "--password", PASSWORD, "--role", "staff"])
        assert result.exit_code == 0, result.output
    with app_session(app) as session:
        agencies = session.scalars(select(Organization).where(Organization.ref == PLATFORM_AGENCY_REF)).all()
        assert len(agencies) == 1
        assert len(agencies[0].memberships) == 2


def test_seller_without_org_has_no_membership(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "lone@example.vn", "--password", PASSWORD,
                                 "--role", "seller"])
    assert result.exit_code == 0, result.output
    assert user_with_email(app, "lone@example.vn")[1] == []


def test_password_from_standard_input(app, runner):
    result = runner.invoke(args=["users", "create", "--email", "stdin@example.vn", "--password", "-",
                                 "--role", "buyer"], input=f"{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert PASSWORD not in result.output
    user, _ = user_with_email(app, "stdin@example.vn")
    assert login(app.test_client(), user).status_code == 302


def users_count(app) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(User))


@pytest.mark.parametrize(("args", "message"), [
    (["--password", "short", "--role", "buyer"], "password"),
    (["--password", PASSWORD, "--role", "buyer", "--org", "no-such-org"], "no-such-org"),
    (["--password", PASSWORD, "--role", "wizard"], "wizard"),
])
def test_users_create_failures_exit_non_zero_and_store_nothing(app, runner, args, message):
    before = users_count(app)
    result = runner.invoke(args=["users", "create", "--email", "fail@example.vn", *args])
    assert result.exit_code != 0
    assert isinstance(result.exception, SystemExit), result.exception  # a message, not a crash
    assert message in result.output
    assert users_count(app) == before
    assert user_with_email(app, "fail@example.vn") is None


def test_users_create_duplicate_email_fails(app, runner):
    args = ["users", "create", "--email", "dup@example.vn", "--password", PASSWORD, "--role", "buyer"]
    assert runner.invoke(args=args).exit_code == 0
    result = runner.invoke(args=args)
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert "email" in result.output


def test_tokens_create_prints_a_working_token_last(app, runner, client):
    runner.invoke(args=["users", "create", "--email", "api@example.vn", "--password", PASSWORD,
                        "--role", "buyer"])
    result = runner.invoke(args=["tokens", "create", "--email", "API@example.vn", "--name", "erp"])
    assert result.exit_code == 0, result.output
    token = result.output.strip().splitlines()[-1]
    assert token.startswith("chq_")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json()["email"] == "api@example.vn"


def test_tokens_are_different_each_time(app, runner):
    runner.invoke(args=["users", "create", "--email", "api2@example.vn", "--password", PASSWORD,
                        "--role", "buyer"])
    tokens = {runner.invoke(args=["tokens", "create", "--email", "api2@example.vn"]).output.splitlines()[-1]
              for _ in range(2)}
    assert len(tokens) == 2


def test_tokens_create_for_unknown_user_fails(runner):
    result = runner.invoke(args=["tokens", "create", "--email", "nobody@example.vn"])
    assert result.exit_code == 1
    assert "chq_" not in result.output


def demo_counts(app) -> tuple[int, int, int]:
    with app_session(app) as session:
        return (
            session.scalar(select(func.count()).select_from(Organization)),
            session.scalar(select(func.count()).select_from(User)),
            session.scalar(select(func.count()).select_from(Membership)),
        )


def test_demo_loads_then_is_idempotent(app, runner):
    before = demo_counts(app)
    first = runner.invoke(args=["demo"])
    assert first.exit_code == 0, first.output
    assert f"{len(ORGS)} new organisations, {len(USERS)} new users" in first.output
    loaded = demo_counts(app)
    assert loaded == (before[0] + len(ORGS), before[1] + len(USERS), before[2] + len(USERS))
    second = runner.invoke(args=["demo"])
    assert second.exit_code == 0, second.output
    assert "0 new organisations, 0 new users" in second.output
    assert demo_counts(app) == loaded


def test_demo_if_empty_skips_a_database_with_organisations(app, runner):
    with app_session(app) as session:
        make_org("club")
        session.commit()
    before = demo_counts(app)
    result = runner.invoke(args=["demo", "--if-empty"])
    assert result.exit_code == 0
    assert demo_counts(app) == before


def test_demo_orgs_are_flagged_and_at_real_dong_thap_communes(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    with app_session(app) as session:
        orgs = session.scalars(select(Organization).where(Organization.ref.in_([o.ref for o in ORGS]))).all()
        assert len(orgs) == len(ORGS)
        for org in orgs:
            assert org.is_demo, org.ref
            commune = session.get(Commune, org.commune_code)
            assert commune is not None, org.ref
            assert commune.province_code == "82", (org.ref, commune.label)
            assert org.email.endswith(f"@{DEMO_DOMAIN}")
        cooperative = next(o for o in orgs if o.ref == "demo-htx-xoai-my-xuong")
        assert cooperative.founded_from.ref == "demo-hq-xoai-my-xuong"
        demo_users = session.scalars(select(User).where(User.email.like(f"%@{DEMO_DOMAIN}"))).all()
        assert len(demo_users) == len(USERS)
        assert all(user.memberships for user in demo_users)
        roles = {u.email.split("@")[0]: u.memberships[0].role for u in demo_users}
        assert roles["quantri"] == "admin"
        assert roles["canbo.xttm"] == "staff"


def test_demo_users_can_sign_in_with_the_demo_password(app, runner):
    assert runner.invoke(args=["demo"]).exit_code == 0
    browser = app.test_client()
    with app_session(app) as session:
        user = session.scalar(select(User).where(User.email == f"muahang.sieuthi@{DEMO_DOMAIN}"))
    assert login(browser, user, app.config["DEMO_PASSWORD"]).status_code == 302


def test_demo_refuses_in_production(app):
    production = make_test_app(app.config["DATABASE_URL"], APP_ENV="production", TESTING=False,
                                PUBLIC_URL="https://chohoiquan.example.vn")
    try:
        result = production.test_cli_runner().invoke(args=["demo"])
        assert result.exit_code == 1
        assert "production" in result.output
    finally:
        db.get_engine(production).dispose()
    with app_session(app) as session:
        assert session.scalar(select(func.count()).select_from(Organization)
                              .where(Organization.is_demo.is_(True))) == 0


def test_the_worker_survives_a_failing_index_sync_and_goes_on(app, runner, monkeypatch, caplog):
    """Issue #14: "database is locked" or "File too large" in the sync step stopped the worker for
    good (no indexing, matching, mail or order expiry after it). It is logged and retried."""
    from marketplace.search import services as search

    calls = []
    real_sync = search.sync

    def flaky_sync(session, backend, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OSError(27, "File too large")
        return real_sync(session, backend, **kwargs)

    monkeypatch.setattr(search, "sync", flaky_sync)
    result = runner.invoke(args=["worker", "--rounds", "2", "--interval", "0"])
    assert result.exit_code == 0, result.output
    assert len(calls) == 2
    assert "search sync round failed" in caplog.text
