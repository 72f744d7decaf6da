"""What every command module shares."""

from __future__ import annotations

import sys

import click


def fail(message: str) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(1)
