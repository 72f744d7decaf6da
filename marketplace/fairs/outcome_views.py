"""Staff's page of what a fair led to (/staff/fairs/<slug>/outcomes) and its CSV export: UTF-8
with a byte-order mark so that Excel reads Vietnamese, one row per exhibitor, the columns of
outcome_rules.CSV_COLUMNS."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from flask import Blueprint, Response, render_template
from sqlalchemy import select

from marketplace import db
from marketplace.access import role_required
from marketplace.errors import or_404
from marketplace.fairs import outcome_rules, outcomes
from marketplace.fairs.meeting_labels import MEETING_STATE_COLUMN_LABELS
from marketplace.fairs.models import Fair
from marketplace.spreadsheets import safe_row

bp = Blueprint("fair_outcomes", __name__)


def _fair(slug: str) -> Fair:
    return or_404(db.session.scalar(select(Fair).where(Fair.slug == slug)))


@bp.route("/staff/fairs/<slug>/outcomes")
@role_required("staff")
def outcome(slug: str):
    fair = _fair(slug)
    figures = outcomes.fair_outcome(db.session, fair)
    return render_template("fairs/outcomes.html", fair=fair, figures=figures, channels=outcome_rules.CHANNELS,
                           states=outcome_rules.MEETING_STATES, state_labels=MEETING_STATE_COLUMN_LABELS,
                           follow_days=outcome_rules.FOLLOW_DAYS,
                           last_day=fair.starts_on + timedelta(days=outcome_rules.FOLLOW_DAYS - 1))


@bp.route("/staff/fairs/<slug>/outcomes.csv")
@role_required("staff")
def outcome_csv(slug: str):
    fair = _fair(slug)
    out = io.StringIO()
    csv.writer(out).writerows(safe_row(row) for row in outcome_rules.csv_rows(outcomes.fair_outcome(db.session, fair)))
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=fair-{fair.slug}-outcomes.csv"})
