"""log_config.RedactingFilter: secrets never reach a log line, whoever logs them."""

from __future__ import annotations

import logging

import pytest

from marketplace.log_config import MASK, RedactingFilter, secrets_from_config

SECRET = "s3cr3t-value-from-config-0123456789"  # noqa: S105


@pytest.fixture
def redactor() -> RedactingFilter:
    return RedactingFilter([SECRET])


@pytest.mark.parametrize(("line", "leaked"), [
    (f"config SECRET_KEY={SECRET}", SECRET),
    (f"loaded {SECRET} from env", SECRET),
    ("password=hunter2hunter2 user=lan", "hunter2hunter2"),
    ("PASSWORD: 'hunter2hunter2'", "hunter2hunter2"),
    ('{"password": "hunter2hunter2", "name": "Lan"}', "hunter2hunter2"),
    ("form {'password': 'hunter2hunter2'}", "hunter2hunter2"),
    ("pwd=hunter2hunter2&next=/", "hunter2hunter2"),
    ("api_key=abcdef123456", "abcdef123456"),
    ("GET /cb?token=abcdef123456&x=1", "abcdef123456"),
    ("Authorization: Bearer eyJhbGciOi.J9payload.sig-_~+/=", "eyJhbGciOi.J9payload.sig-_~+/="),
    ("authorization: bearer abcdef123456", "abcdef123456"),
    ("token chq_Zx9-Qm3_kLpW8vN2rT5yB7cD1fG4hJ6", "chq_Zx9-Qm3_kLpW8vN2rT5yB7cD1fG4hJ6"),
    ("stripe key sk_test_51HxYzAbCdEfGh", "sk_test_51HxYzAbCdEfGh"),
    ("stripe key sk_live_51HxYzAbCdEfGh", "51HxYzAbCdEfGh"),
    ("webhook whsec_AbCdEf123456", "whsec_AbCdEf123456"),
    ("restricted rk_test_AbCdEf123456", "rk_test_AbCdEf123456"),
    ("connecting to postgresql://app:Db-Pa55word@db.internal:5432/chq", "Db-Pa55word"),
    ("smtp://mailer:m%40ilPass@smtp.example.vn:587?starttls=1", "m%40ilPass"),
    ("redis://:RedisPass99@cache:6379/0", "RedisPass99"),
])
def test_redact_masks_secrets(redactor, line, leaked):
    redacted = redactor.redact(line)
    assert leaked not in redacted
    assert MASK in redacted


@pytest.mark.parametrize("line", [
    "GET /orgs/12 200",
    "Xã Phú Hựu, Đồng Tháp",
    "user 7 signed in by phone",
    "http://localhost:5000/search?q=xoai",
    "postgresql://app@db.internal:5432/chq",
])
def test_redact_leaves_ordinary_lines_alone(redactor, line):
    assert redactor.redact(line) == line


def test_redact_keeps_the_context_around_a_secret(redactor):
    assert redactor.redact("postgresql://app:pw123456@db/chq") == f"postgresql://app:{MASK}@db/chq"
    assert redactor.redact("password=abc123456 next") == f"password={MASK} next"


def test_short_or_empty_configured_values_are_not_masked():
    # A short value such as "dev" would mask innocent words everywhere.
    redactor = RedactingFilter(["", "dev", None])
    assert redactor.redact("development server") == "development server"


def test_secrets_from_config_include_url_passwords():
    found = secrets_from_config({
        "SECRET_KEY": SECRET,
        "STRIPE_SECRET_KEY": "sk_test_abc",
        "DATABASE_URL": "postgresql://app:dbpass-123@db/chq",
        "MAIL_URL": "smtp://u:mailpass-456@smtp.example.vn:587",
        "RATELIMIT_STORAGE_URI": "memory://",
    })
    assert {SECRET, "sk_test_abc", "dbpass-123", "mailpass-456"} <= set(found)


def test_the_bucket_key_and_the_session_redis_password_are_secrets():
    found = secrets_from_config({"AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG",
                                 "SESSION_REDIS_URL": "redis://:redispass-789@cache:6379/1",
                                 "S3_ENDPOINT_URL": "https://minio.example.vn"})
    assert {"wJalrXUtnFEMI/K7MDENG", "redispass-789"} <= set(found)


@pytest.fixture
def captured(caplog, redactor):
    """caplog's handler with the filter, the way init_app puts it on every root handler."""
    caplog.handler.addFilter(redactor)
    caplog.set_level(logging.INFO)
    try:
        yield caplog
    finally:
        caplog.handler.removeFilter(redactor)


def test_filter_masks_arguments_of_a_real_logger(captured):
    log = logging.getLogger("tests.redaction")
    log.info("database at %s, key %s", "postgresql://app:Db-Pa55word@db/chq", SECRET)
    assert "Db-Pa55word" not in captured.text
    assert SECRET not in captured.text
    assert "postgresql://app:" in captured.text
    record = captured.records[-1]
    assert record.args is None
    assert "Db-Pa55word" not in record.getMessage()


def test_filter_masks_library_loggers_too(captured):
    logging.getLogger("urllib3.connectionpool").warning("Authorization: Bearer chq_AAAAAAAAAAAAAAAAAAAA")
    assert "chq_AAAAAAAAAAAAAAAAAAAA" not in captured.text
    assert "Bearer [redacted]" in captured.text


def test_filter_masks_exception_text(captured):
    log = logging.getLogger("tests.redaction")
    try:
        raise RuntimeError(f"could not connect with password={SECRET}")
    except RuntimeError:
        log.exception("start-up failed")
    assert "start-up failed" in captured.text
    assert "RuntimeError" in captured.text
    assert SECRET not in captured.text


def test_filter_leaves_plain_records_untouched(captured):
    logging.getLogger("tests.redaction").info("listing %d published", 42)
    record = captured.records[-1]
    assert record.getMessage() == "listing 42 published"
