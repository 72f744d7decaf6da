"""The supervisor's pure parts: how long it waits before a restart, what it runs, how many workers."""

from pathlib import Path

from marketplace.supervisor import MAX_RESTART_DELAY_SECONDS, default_workers, restart_delay, web_and_worker


def test_a_program_that_ran_a_while_restarts_at_once():
    assert restart_delay(0) == 0.5


def test_a_program_that_keeps_dying_at_once_waits_longer_each_time_up_to_a_cap():
    delays = [restart_delay(n) for n in range(1, 12)]
    assert delays[:4] == [0.5, 1.0, 2.0, 4.0]
    assert delays == sorted(delays)
    assert max(delays) == MAX_RESTART_DELAY_SECONDS


def test_web_workers_come_from_web_concurrency_else_two():
    assert default_workers({}) == 2
    assert default_workers({"WEB_CONCURRENCY": "5"}) == 5
    assert default_workers({"WEB_CONCURRENCY": "0"}) == 2
    assert default_workers({"WEB_CONCURRENCY": "many"}) == 2


def test_the_web_program_is_gunicorn_on_the_given_address_and_the_worker_is_the_marketplace_worker(tmp_path):
    python = tmp_path / "bin" / "python"
    programs = web_and_worker(host="127.0.0.1", port=8123, workers=3, python=str(python))
    web = programs["web"]
    assert web[:3] == [str(python), "-m", "gunicorn"]
    assert web[web.index("--workers") + 1] == "3"
    assert web[web.index("--bind") + 1] == "127.0.0.1:8123"
    assert web[-1] == "marketplace:create_app()"
    assert web[web.index("--config") + 1] == "python:marketplace.gunicorn_conf"
    assert Path(programs["worker"][0]).name == "marketplace" and programs["worker"][1:] == ["worker"]
