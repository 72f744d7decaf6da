"""The worker runs the jobs packages register (marketplace/worker.py): each package's jobs.py is
registered at start-up, a job registered like them runs every round (or at most every N seconds),
and a failing job is logged and retried while the others go on."""

from __future__ import annotations

from marketplace import worker


def test_each_package_registers_its_jobs_and_messages_run_last(app):
    ordered = [job.name for job in sorted(worker.jobs(app).values(), key=lambda job: job.order)]
    assert ordered == ["search sync", "saved-search alerts", "matching", "orders", "price alerts", "imports", "market bulletin",
                       "report reminders", "change-log pruning",
                       "staged photos", "mail", "zalo and sms"]


def test_a_registered_job_runs_each_round_and_a_failing_one_does_not_stop_the_others(app, monkeypatch, caplog):
    monkeypatch.setitem(app.extensions, "worker_jobs", dict(worker.jobs(app)))  # this test's jobs leave with it
    ran, hourly = [], []

    def broken() -> None:
        raise RuntimeError("the mail server is down")

    worker.register(app, "broken", broken, order=1)
    worker.register(app, "a new job", lambda: ran.append(1))
    worker.register(app, "hourly", lambda: hourly.append(1), every=3600)

    result = app.test_cli_runner().invoke(args=["worker", "--rounds", "3", "--interval", "0"])

    assert result.exit_code == 0, result.output
    assert ran == [1, 1, 1]
    assert hourly == [1]
    assert caplog.text.count("broken round failed; retrying") == 3


def test_with_once_a_failing_job_fails_the_command(app, monkeypatch):
    monkeypatch.setitem(app.extensions, "worker_jobs", {})

    def broken() -> None:
        raise RuntimeError("the mail server is down")

    worker.register(app, "broken", broken)
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 1
    assert isinstance(result.exception, RuntimeError)


def test_platform_wide_jobs_run_in_one_worker_at_a_time(app):
    """Two hosts each run a worker on one database: matching, alerts, orders, reminders and the
    bulletin read the same change log and tables, so one worker runs each at a time; the search
    sync keeps each host's own index and mail and large imports are claimed row by row, so they run
    in every worker."""
    single = {job.name for job in worker.jobs(app).values() if job.single}
    assert single == {"saved-search alerts", "matching", "orders", "price alerts", "market bulletin",
                      "report reminders"}

def test_a_single_job_held_by_another_worker_is_skipped_this_round(app, monkeypatch):
    from marketplace import db

    monkeypatch.setitem(app.extensions, "worker_jobs", {})
    ran = []
    worker.register(app, "shared", lambda: ran.append(1), single=True)
    if db.get_engine(app).dialect.name != "postgresql":
        # One host on SQLite: nothing to share, the job always runs.
        assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
        assert ran == [1]
        return
    with db.one_at_a_time(app, "shared") as mine:  # another host's worker, mid-job
        assert mine
        result = app.test_cli_runner().invoke(args=["worker", "--once"])
        assert result.exit_code == 0, result.output
        assert ran == []
    assert app.test_cli_runner().invoke(args=["worker", "--once"]).exit_code == 0
    assert ran == [1]


def test_each_gunicorn_process_starts_warming_its_search_reader_before_serving(app, monkeypatch):
    from types import SimpleNamespace

    from flask import Flask

    from marketplace import gunicorn_conf

    backend = app.extensions["search_backend"]
    started = []
    monkeypatch.setattr(backend, "start_warming", lambda: started.append(True))
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=app))
    assert started == [True]
    gunicorn_conf.post_worker_init(SimpleNamespace(wsgi=Flask("bare")))  # another app: nothing to warm
    assert started == [True]
