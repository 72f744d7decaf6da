"""The worker runs the jobs packages register (marketplace/worker.py): each package's jobs.py is
registered at start-up, a job registered like them runs every round (or at most every N seconds),
and a failing job is logged and retried while the others go on."""

from __future__ import annotations

from marketplace import worker


def test_each_package_registers_its_jobs_and_messages_run_last(app):
    ordered = [job.name for job in sorted(worker.jobs(app).values(), key=lambda job: job.order)]
    assert ordered == ["search sync", "saved-search alerts", "matching", "orders", "price alerts", "market bulletin",
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
