"""What every level of the suite shares, and nothing more: no app and no database here.

- tests/unit: pure rules, no app, no database (tests/unit/conftest.py refuses those fixtures);
- tests/integration: the app, a migrated database, the test client (tests/integration/conftest.py);
- tests/browser: a live server driven by Chromium (tests/browser/conftest.py).

The test database is made by plain functions in tests/database.py, test data by tests/factories.py,
the test clients (signing in, posting forms, reading pages) by tests/clients.py.
Markers and options are in pyproject.toml ([tool.pytest.ini_options]); docs/testing.md says more.
"""
