"""Commands for matching: match refresh, match evaluate."""

from __future__ import annotations

import logging
import sys
import tempfile
from pathlib import Path

import click
from flask.cli import with_appcontext

from marketplace import create_app, dates, db, schema
from marketplace.matching import evaluation
from marketplace.matching import jobs as matching_jobs


@click.group("match")
def match_group() -> None:
    """Matching demand with supply."""


@match_group.command("refresh")
@with_appcontext
def match_refresh_command() -> None:
    """Rematch every open request now (the worker does this once a day by itself)."""
    report = matching_jobs.rematch_everything()
    click.echo(f"{report.demand_posts} requests rematched, {report.full} full matches, "
               f"{report.notified} notifications")


@match_group.command("evaluate")
def match_evaluate_command() -> None:
    """Run the labelled evaluation set (matching/evaluation_set.py) in a throwaway SQLite database and
    print precision, recall and constraint violations; exit 1 when precision is below 1 or a full
    match breaks a hard constraint. The configured database is not touched."""


    alembic_log = logging.getLogger("alembic")
    with tempfile.TemporaryDirectory(prefix="chq-evaluate-") as folder:
        app = create_app({"APP_ENV": "testing", "TESTING": True,
                          "DATABASE_URL": f"sqlite:///{Path(folder) / 'evaluate.db'}",
                          "SEARCH_INDEX_DIR": "memory://", "UPLOAD_DIR": "memory://", "MAIL_URL": "memory://"})
        engine = db.get_engine(app)
        level = alembic_log.level
        alembic_log.setLevel(logging.WARNING)  # the migrations' progress is not the evaluation's output
        try:
            schema.upgrade(engine)
            with app.app_context():
                schema.load_reference_data(db.session)
                db.session.commit()
                result = evaluation.run(db.session, dates.today_in_vietnam())
                db.session.rollback()
        finally:
            alembic_log.setLevel(level)
            engine.dispose()
    for line in result.lines():
        click.echo(line)
    if not result.passed:
        sys.exit(1)
