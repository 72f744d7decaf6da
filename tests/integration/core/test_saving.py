"""saving(): a view's one unit of work. It commits a block that ends cleanly; on a domain error it
rolls back and shows the problems beside what was typed; on anything else it rolls back and lets
the error through. NotFound()/PermissionDenied() raised by a view give the abort(404)/(403) pages."""

from __future__ import annotations

import pytest
from flask import Flask, abort, render_template_string, request
from sqlalchemy import func, select
from wtforms import Form, StringField

from marketplace import db
from marketplace.accounts import services as accounts
from marketplace.accounts.models import Organization
from marketplace.errors import PermissionDenied, ValidationError, or_404
from marketplace.saving import saving
from tests.clients import app_session, without_csrf_tokens
from tests.database import make_test_app

PAGE = "{% for m in get_flashed_messages() %}<p class=flash>{{ m }}</p>{% endfor %}" \
       "<input name=name value='{{ form.name.data or '' }}'>{% for e in form.name.errors %}<em>{{ e }}</em>{% endfor %}"


class NameForm(Form):
    name = StringField()


def _store(name: str) -> None:
    accounts.create_organization(db.session, kind="club", name=name, commune_code=None)
    db.session.flush()


def save_cleanly():
    form = NameForm(request.args)
    with saving(form) as saved:
        _store(form.name.data)
    return ("saved", 201) if saved else ("not saved", 500)


def refuse_after_writing():
    form = NameForm(request.args)
    with saving(form) as saved:
        _store(form.name.data)  # written, then refused: none of it may stay
        raise ValidationError("Some fields need attention.", fields={"name": ["Tên này đã có người dùng."]})
    return render_template_string(PAGE, form=form), saved.status


def refuse_without_a_form():
    form = NameForm(request.args)
    with saving() as saved:
        _store(form.name.data)
        raise ValidationError("Đơn hàng đã đổi.", fields={})
    return render_template_string(PAGE, form=form), 200 if saved else 409


def refuse_naming_no_field():
    form = NameForm(request.args)
    with saving(form) as saved:
        _store(form.name.data)
        raise ValidationError("Sản phẩm này vừa ngừng bán.", fields={})
    return render_template_string(PAGE, form=form), saved.status


def fail_unexpectedly():
    with saving(NameForm(request.args)):
        _store(request.args["name"])
        raise RuntimeError("a bug, not a person's mistake")
    return "unreachable"


# How /missing and /forbidden refuse: the pages name their own address, so both ways share one.
REFUSAL = {"by": "raising"}


def missing():
    if REFUSAL["by"] == "aborting":
        abort(404)
    or_404(db.session.get(Organization, 10**9))


def forbidden():
    if REFUSAL["by"] == "aborting":
        abort(403)
    raise PermissionDenied()


@pytest.fixture
def saving_app(app) -> Flask:
    """A second app on the test's own connection (its writes end with the test), with views that save."""
    other = make_test_app(app.config["DATABASE_URL"], TESTING=False)
    for view in (save_cleanly, refuse_after_writing, refuse_without_a_form, refuse_naming_no_field,
                 fail_unexpectedly, missing, forbidden):
        other.add_url_rule(f"/{view.__name__}", view.__name__, view)
    connection = db.get_registry(app).session_factory.kw["bind"]
    db.get_registry(other).configure(bind=connection, join_transaction_mode="create_savepoint")
    yield other
    db.get_engine(other).dispose()


def _stored(app, name: str) -> int:
    with app_session(app) as session:
        return session.scalar(select(func.count()).select_from(Organization).where(Organization.name == name))


def test_a_clean_block_is_committed(app, saving_app):
    response = saving_app.test_client().get("/save_cleanly?name=HTX Mới")
    assert response.status_code == 201
    assert _stored(app, "HTX Mới") == 1


def test_a_domain_error_rolls_back_and_shows_the_problems_beside_what_was_typed(app, saving_app):
    response = saving_app.test_client().get("/refuse_after_writing?name=HTX Trùng")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<em>Tên này đã có người dùng.</em>" in page
    assert "value='HTX Trùng'" in page  # what was typed is kept
    assert _stored(app, "HTX Trùng") == 0


def test_without_a_form_the_problem_is_flashed(app, saving_app):
    response = saving_app.test_client().get("/refuse_without_a_form?name=HTX Khác")
    assert response.status_code == 409
    assert "<p class=flash>Đơn hàng đã đổi.</p>" in response.get_data(as_text=True)
    assert _stored(app, "HTX Khác") == 0


def test_a_refusal_that_names_no_field_is_still_said_beside_the_form(app, saving_app):
    response = saving_app.test_client().get("/refuse_naming_no_field?name=HTX Ngừng")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "<p class=flash>Sản phẩm này vừa ngừng bán.</p>" in page  # not a silent page
    assert "value='HTX Ngừng'" in page
    assert _stored(app, "HTX Ngừng") == 0


def test_an_unexpected_error_rolls_back_and_goes_up_to_the_500_page(app, saving_app):
    response = saving_app.test_client().get("/fail_unexpectedly?name=HTX Nửa Chừng")
    assert response.status_code == 500  # not swallowed
    assert _stored(app, "HTX Nửa Chừng") == 0  # nothing half-stored


def test_it_never_swallows_what_it_was_not_asked_to_catch(app):
    with app.test_request_context(), pytest.raises(RuntimeError), saving():
        raise RuntimeError("boom")


@pytest.mark.parametrize(("path", "status"), [("/missing", 404), ("/forbidden", 403)])
def test_not_found_and_forbidden_give_the_same_pages_as_abort(saving_app, monkeypatch, path, status):
    client = saving_app.test_client()
    by_error = client.get(path)
    monkeypatch.setitem(REFUSAL, "by", "aborting")
    by_abort = client.get(path)
    assert by_error.status_code == by_abort.status_code == status
    assert without_csrf_tokens(by_error.get_data()) == without_csrf_tokens(by_abort.get_data())
