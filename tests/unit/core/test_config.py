"""config.load_config: safe defaults, and a production app that refuses to start unsafely."""

from __future__ import annotations

from pathlib import Path

import pytest

from marketplace.config import INSTANCE_DIR, ConfigError, load_config

GOOD_KEY = "k" * 16 + "0123456789abcdefXYZ"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch):
    for name in ("APP_ENV", "SECRET_KEY", "DATABASE_URL", "MAIL_URL", "LOGIN_RATE_LIMIT",
                 "RATELIMIT_ENABLED", "RATELIMIT_STORAGE_URI", "PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)


def test_production_without_secret_key_refuses(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    with pytest.raises(ConfigError, match="SECRET_KEY"):
        load_config()


def test_production_with_empty_secret_key_refuses(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "")
    with pytest.raises(ConfigError):
        load_config()


@pytest.mark.parametrize("key", ["dev", "changeme", "short-key", "x" * 31])
def test_production_with_short_or_default_key_refuses(monkeypatch, key):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", key)
    with pytest.raises(ConfigError):
        load_config()


def test_production_key_can_come_from_overrides():
    with pytest.raises(ConfigError):
        load_config({"APP_ENV": "production", "SECRET_KEY": "short"})
    assert load_config({"APP_ENV": "production", "SECRET_KEY": GOOD_KEY,
                        "PUBLIC_URL": "https://chohoiquan.example.vn"})["SECRET_KEY"] == GOOD_KEY


def test_production_without_an_https_public_url_refuses(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_config()
    monkeypatch.setenv("PUBLIC_URL", "http://chohoiquan.example.vn")
    with pytest.raises(ConfigError, match="PUBLIC_URL"):
        load_config()


def test_production_with_a_long_key_starts_with_secure_cookies(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", GOOD_KEY)
    monkeypatch.setenv("PUBLIC_URL", "https://chohoiquan.example.vn")
    config = load_config()
    assert config["APP_ENV"] == "production"
    assert config["SECRET_KEY"] == GOOD_KEY
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["REMEMBER_COOKIE_SECURE"] is True
    assert config["TESTING"] is False


@pytest.mark.parametrize("env", ["prod", "staging", "Production", "test"])
def test_unknown_app_env_refuses(monkeypatch, env):
    monkeypatch.setenv("APP_ENV", env)
    with pytest.raises(ConfigError, match="APP_ENV"):
        load_config()


def test_unknown_app_env_in_overrides_refuses():
    with pytest.raises(ConfigError):
        load_config({"APP_ENV": "qa"})


def test_testing_without_a_key_gets_a_random_one():
    first = load_config({"APP_ENV": "testing"})
    second = load_config({"APP_ENV": "testing"})
    assert len(first["SECRET_KEY"]) >= 32
    assert first["SECRET_KEY"] != second["SECRET_KEY"]
    assert first["TESTING"] is True
    assert first["SESSION_COOKIE_SECURE"] is False


def test_environment_settings_are_read(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/chq")
    monkeypatch.setenv("MAIL_URL", "memory://")
    monkeypatch.setenv("RATELIMIT_ENABLED", "no")
    config = load_config({"APP_ENV": "testing"})
    assert config["DATABASE_URL"] == "postgresql://u@db/chq"
    assert config["MAIL_URL"] == "memory://"
    assert config["RATELIMIT_ENABLED"] is False


def test_defaults_are_safe():
    config = load_config({"APP_ENV": "testing"})
    assert config["DATABASE_URL"].startswith("sqlite:///")
    assert config["MAIL_URL"] == "log://"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["BABEL_DEFAULT_LOCALE"] == "vi"
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_overrides_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgresql://u@db/chq")
    config = load_config({"APP_ENV": "testing", "DATABASE_URL": "sqlite:///:memory:"})
    assert config["DATABASE_URL"] == "sqlite:///:memory:"


def test_photo_limits_default_to_phone_sizes_and_read_the_environment(monkeypatch):
    for name in ("PHOTO_MAX_MEGAPIXELS", "PHOTO_MAX_MEGAPIXELS_PNG_WEBP", "PHOTO_UPLOADS_PER_HOUR"):
        monkeypatch.delenv(name, raising=False)
    config = load_config({"APP_ENV": "testing"})
    assert (config["PHOTO_MAX_MEGAPIXELS"], config["PHOTO_MAX_MEGAPIXELS_PNG_WEBP"],
            config["PHOTO_UPLOADS_PER_HOUR"]) == (52, 25, 120)
    monkeypatch.setenv("PHOTO_MAX_MEGAPIXELS", "64.5")
    monkeypatch.setenv("PHOTO_MAX_MEGAPIXELS_PNG_WEBP", "16")
    monkeypatch.setenv("PHOTO_UPLOADS_PER_HOUR", "40")
    config = load_config({"APP_ENV": "testing"})
    assert (config["PHOTO_MAX_MEGAPIXELS"], config["PHOTO_MAX_MEGAPIXELS_PNG_WEBP"],
            config["PHOTO_UPLOADS_PER_HOUR"]) == (64.5, 16, 40)


@pytest.mark.parametrize(("name", "value"), [
    ("PHOTO_MAX_MEGAPIXELS", "lots"), ("PHOTO_MAX_MEGAPIXELS", "0"), ("PHOTO_MAX_MEGAPIXELS", "inf"),
    ("PHOTO_MAX_MEGAPIXELS", "nan"), ("PHOTO_MAX_MEGAPIXELS_PNG_WEBP", "-1"),
    ("PHOTO_UPLOADS_PER_HOUR", "2.5"), ("PHOTO_UPLOADS_PER_HOUR", "0"),
])
def test_unreadable_photo_limits_refuse_to_start(monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError, match=name):
        load_config({"APP_ENV": "testing"})


def test_public_pages_are_kept_a_second_except_in_tests(monkeypatch):
    monkeypatch.delenv("PAGE_CACHE_SECONDS", raising=False)
    assert load_config()["PAGE_CACHE_SECONDS"] == 1
    assert load_config({"APP_ENV": "testing"})["PAGE_CACHE_SECONDS"] == 0
    monkeypatch.setenv("PAGE_CACHE_SECONDS", "0.5")
    assert load_config()["PAGE_CACHE_SECONDS"] == 0.5


@pytest.mark.parametrize("value", ["soon", "-1", "nan", "86400"])
def test_page_cache_seconds_must_be_a_sensible_number(monkeypatch, value):
    monkeypatch.setenv("PAGE_CACHE_SECONDS", value)
    with pytest.raises(ConfigError, match="PAGE_CACHE_SECONDS"):
        load_config()


def test_web_processes_warm_new_index_generations_except_in_tests_or_when_told_not_to(monkeypatch):
    monkeypatch.delenv("SEARCH_WARM", raising=False)
    assert load_config()["SEARCH_WARM"] is True
    assert load_config({"APP_ENV": "testing"})["SEARCH_WARM"] is False
    assert load_config({"TESTING": True})["SEARCH_WARM"] is False
    monkeypatch.setenv("SEARCH_WARM", "false")
    assert load_config()["SEARCH_WARM"] is False
    assert load_config({"SEARCH_WARM": True})["SEARCH_WARM"] is True


@pytest.mark.parametrize("given, expected", [
    ("progress", INSTANCE_DIR / "progress"),  # relative: under the instance folder, wherever started
    ("/var/lib/chq/progress", Path("/var/lib/chq/progress")),
])
def test_the_import_progress_folder_is_absolute(monkeypatch, given, expected):
    monkeypatch.setenv("IMPORT_PROGRESS_DIR", given)
    assert load_config()["IMPORT_PROGRESS_DIR"] == str(expected)


def test_the_import_progress_folder_defaults_to_the_instance_folder(monkeypatch):
    monkeypatch.delenv("IMPORT_PROGRESS_DIR", raising=False)
    assert load_config()["IMPORT_PROGRESS_DIR"] == str(INSTANCE_DIR / "import-progress")
