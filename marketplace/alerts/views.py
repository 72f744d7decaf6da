"""Saving a search from /search, and the list of saved searches (/alerts)."""

from __future__ import annotations

from urllib.parse import parse_qsl

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.datastructures import MultiDict

from marketplace import db
from marketplace.access import signed_in
from marketplace.alerts import jobs
from marketplace.alerts import services as alerts
from marketplace.alerts.notices import describe_notice
from marketplace.forms import CsrfForm
from marketplace.notifications.wording import word_notices
from marketplace.saving import saving

bp = Blueprint("alerts", __name__)
# Notices of kind "alert" are worded by this package, which also has a worker job.
word_notices(bp, "alert", describe_notice)
bp.record_once(lambda state: jobs.init_app(state.app))


def error_message(code: str) -> str:
    return {
        "empty": _("Type some words or choose a filter first: a search for everything would alert you about "
                   "everything."),
        "invalid": _("Some of this search's filters could not be read; correct them and save again."),
        "too_many": _("You can keep at most %(max)d saved searches. Delete one first.", max=alerts.MAX_PER_USER),
    }.get(code, _("That could not be done."))


@bp.route("/alerts")
@signed_in
def index():
    saved = alerts.saved_searches(db.session, current_user)
    return render_template("alerts/index.html", saved=saved, form=CsrfForm(),
                           urls={s.id: url_for("search.results", **MultiDict(parse_qsl(s.query)).to_dict(flat=False))
                                 for s in saved})


@bp.route("/alerts", methods=["POST"])
@signed_in
def save():
    """Save the search whose parameters the form carries (the /search page's hidden fields)."""
    if not CsrfForm().validate_on_submit():
        abort(400)
    back = url_for("search.results", **{k: v for k, v in request.form.to_dict(flat=False).items()
                                        if k in alerts.SAVED_PARAMETERS})
    with saving(catch=(alerts.AlertError,), show=lambda error: flash(error_message(error.code), "error")) as done:
        saved = alerts.save(db.session, current_user, request.form, request.form.get("name"))
    if not done:
        return redirect(back)
    flash(_("Saved “%(name)s”. We will tell you when something new fits it.", name=saved.name), "success")
    return redirect(back)


@bp.route("/alerts/<int:saved_id>/delete", methods=["POST"])
@signed_in
def delete(saved_id: int):
    if not CsrfForm().validate_on_submit():
        abort(400)
    if not alerts.delete(db.session, current_user, saved_id):
        abort(404)
    db.session.commit()
    flash(_("Deleted. No more alerts from that search."), "success")
    return redirect(url_for("alerts.index"))
