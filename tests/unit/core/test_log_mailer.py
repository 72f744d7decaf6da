"""The development mailer (MAIL_URL=log://): one log line per mail, the whole text in a file."""

from __future__ import annotations

import logging

from marketplace.mail import LogMailer, Mail, make_mailer


def test_one_line_in_the_log_and_the_whole_mail_in_a_file(tmp_path, caplog):
    mailer = make_mailer("log://", "x@example.test", str(tmp_path / "mail"))
    with caplog.at_level(logging.INFO, logger="marketplace.mail"):
        mailer.send(
            Mail(
                to="a@example.test",
                subject="Đơn hàng\nmới",
                body="Dòng một\nDòng hai",
                headers=(("List-Unsubscribe", "<http://x/off>"),),
            )
        )
    [record] = caplog.records
    assert "\n" not in record.getMessage() and "a@example.test" in record.getMessage()
    [path] = (tmp_path / "mail").iterdir()
    assert str(path) in record.getMessage()
    text = path.read_text(encoding="utf-8")
    assert "To: a@example.test" in text and "List-Unsubscribe: <http://x/off>" in text and "Dòng hai" in text


def test_without_a_folder_the_whole_mail_goes_to_the_log(caplog):
    with caplog.at_level(logging.INFO, logger="marketplace.mail"):
        LogMailer().send(Mail(to="a@example.test", subject="S", body="Thân thư"))
    assert "Thân thư" in caplog.text


def test_a_folder_that_cannot_be_written_falls_back_to_the_log(tmp_path, caplog):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with caplog.at_level(logging.INFO, logger="marketplace.mail"):
        LogMailer(blocker / "mail").send(Mail(to="a@example.test", subject="S", body="Thân thư"))
    assert "Thân thư" in caplog.text
