"""Jobs registered with `poll` also run while the worker waits between rounds (the search index's
job: an edit is searchable well within a second, where rounds come a second apart)."""

from __future__ import annotations

from marketplace import worker


def test_a_polled_job_runs_between_rounds_and_the_others_once_a_round(app, monkeypatch):
    runs = {"polled": 0, "round": 0}
    monkeypatch.setitem(app.extensions, "worker_jobs", {})
    worker.register(app, "polled", lambda: runs.__setitem__("polled", runs["polled"] + 1), poll=0.05)
    worker.register(app, "round", lambda: runs.__setitem__("round", runs["round"] + 1))
    assert worker.Worker(app).run(rounds=3, interval=0.5) == 3
    assert runs["round"] == 3
    assert runs["polled"] > 3 * 2  # in each of the two pauses, several times


def test_the_search_job_polls(app):
    assert worker.jobs(app)["search sync"].poll
