"""`marketplace welcome`: waits for the site to answer, then prints where it is and how to sign in
with the demo accounts that exist; a site that never answers is an error, not a silent wait."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from marketplace.cli.welcome import answers
from marketplace.demo import demo_email
from tests.clients import app_session
from tests.factories import make_user


class _Health(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (the name http.server calls)
        self.send_response(200 if self.path == "/healthz" else 404)
        self.end_headers()
        self.wfile.write(b'{"status": "ok"}')

    def log_message(self, *args):  # quiet
        pass


@pytest.fixture
def site() -> Iterator[str]:
    """A stand-in for the running server: answers the health check on a free port."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


def test_prints_the_address_and_the_demo_accounts(app, runner, site):
    with app_session(app):
        for login in ("chunhiem.myxuong", "muahang.sieuthi", "canbo.xttm"):
            make_user(None, email=demo_email(login))
    result = runner.invoke(args=["welcome", "--url", site, "--wait", "5"])
    assert result.exit_code == 0, result.output
    out = result.output
    assert f"running: {site}" in out and f"{site}login" in out
    assert app.config["DEMO_PASSWORD"] in out
    for login in ("chunhiem.myxuong", "muahang.sieuthi", "canbo.xttm"):
        assert demo_email(login) in out
    assert demo_email("quantri") not in out  # not in this database: not offered
    assert out.rstrip().splitlines()[-2] == "Stop with Ctrl-C."


def test_without_demo_data_says_how_to_make_an_account(app, runner, site):
    result = runner.invoke(args=["welcome", "--url", site])
    assert result.exit_code == 0
    assert "marketplace users create" in result.output and "password:" not in result.output


def test_a_site_that_does_not_answer_fails(app, runner):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Health)
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    server.server_close()  # the port is free again: nothing answers there
    result = runner.invoke(args=["welcome", "--url", url, "--wait", "0.5"])
    assert result.exit_code == 1
    assert "does not answer" in result.output and "Sign in" not in result.output


def test_only_a_web_address_is_asked(tmp_path):
    """welcome waits for a web site: a file: or ftp: address is never opened, whatever it holds."""
    (tmp_path / "healthz").write_text("ok")
    assert answers(f"file://{tmp_path}") is False
    assert answers("ftp://127.0.0.1:9") is False
