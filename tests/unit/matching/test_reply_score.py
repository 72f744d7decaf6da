"""How a seller's answers to buyers' questions become the responsiveness part of a match score."""

from __future__ import annotations

from datetime import timedelta

import pytest

from marketplace.matching.scoring import reply_score

HOUR = timedelta(hours=1)
DAY = timedelta(days=1)


def test_no_question_is_no_evidence():
    assert reply_score([], []) is None


def test_a_question_younger_than_a_day_is_not_judged_yet():
    assert reply_score([None], [2 * HOUR]) is None


@pytest.mark.parametrize(("wait", "score"), [
    (30 * timedelta(minutes=1), 1.0), (DAY, 1.0), (DAY + HOUR, 0.6), (3 * DAY, 0.6), (4 * DAY, 0.3),
])
def test_the_faster_the_first_answer_the_higher(wait, score):
    assert reply_score([wait], [10 * DAY]) == score


def test_unanswered_after_a_day_counts_nothing_and_the_mean_is_taken():
    assert reply_score([None, HOUR, None], [2 * DAY, 5 * DAY, HOUR]) == pytest.approx(0.5)


def test_the_lists_must_pair_up():
    with pytest.raises(ValueError):
        reply_score([HOUR], [])
