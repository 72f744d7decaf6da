"""What a package that sends notices uses to word them (presentation.register keeps the words): a
kind said in one sentence, and words registered along with the package's blueprint."""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint
from flask_babel import LazyString

from marketplace.notifications.presentation import Describer, register


def one_sentence(kind: str, sentence: LazyString) -> Describer:
    """The describer of exactly `kind`: the sentence (a lazy translation with "%(name)s"
    placeholders) filled with the notice's params; a param the notice was stored without reads as ""."""

    def describe(asked: str, params: dict) -> str | None:
        return str(sentence) % defaultdict(str, params) if asked == kind else None

    return describe


def word_notices(bp: Blueprint, prefix: str, describer: Describer) -> None:
    """Notices whose kind starts with `prefix` are worded by `describer` in every app `bp` is
    registered on (so the bell, mail and digest never import the package that sends them)."""
    bp.record_once(lambda state: register(state.app, prefix, describer))
