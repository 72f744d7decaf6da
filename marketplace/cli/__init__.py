"""The `marketplace` command (also `flask --app marketplace …`): thin commands over services and
jobs, one module per group of commands."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from marketplace import create_app
from marketplace.cli.accounts import PLATFORM_AGENCY_REF, tokens_group, users_group
from marketplace.cli.backup import backup_command, restore_command
from marketplace.cli.data import demo_command, import_command, init_db_command
from marketplace.cli.housekeeping import credentials_group, orders_group
from marketplace.cli.matching import match_group
from marketplace.cli.reports import report_command
from marketplace.cli.search import search_group
from marketplace.cli.welcome import welcome_command
from marketplace.cli.worker import serve_command, worker_command

__all__ = ["PLATFORM_AGENCY_REF", "main", "register_commands"]


def register_commands(app: Flask) -> None:
    for command in (init_db_command, demo_command, import_command, users_group, tokens_group, search_group,
                    worker_command, serve_command, match_group,
                    credentials_group, orders_group, backup_command, restore_command, welcome_command,
                    report_command):
        app.cli.add_command(command)


@click.group(cls=FlaskGroup, create_app=lambda: create_app())
def main() -> None:
    """Chợ Hội Quán management commands."""
