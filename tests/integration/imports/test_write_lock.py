"""The staff import page reads the uploaded file (for its preview, and again on confirming) before it writes: on SQLite a POST's transaction
holds the one write lock, and reading a big workbook must not keep every other page from saving.
Probed from a second connection while the file is being read."""

from __future__ import annotations

from sqlalchemy import select

from marketplace.imports import readers
from marketplace.listings.models import Listing
from tests.clients import app_session, login
from tests.factories import make_user
from tests.integration.imports.test_import import _confirm, _upload, good_sheets
from tests.sheets import xlsx_bytes
from tests.sqlite_lock import only_on_sqlite, own_app_fixture, probe_while_called

pytestmark = only_on_sqlite


own_app = own_app_fixture("importlock")


def test_the_file_is_read_without_holding_the_write_lock(own_app, monkeypatch):
    with app_session(own_app):
        staff = make_user("staff")
    client = own_app.test_client()
    assert login(client, staff).status_code == 302
    probes = probe_while_called(monkeypatch, own_app, readers, "read_upload")
    preview = _upload(client, xlsx_bytes(good_sheets()))
    assert preview.status_code == 200
    assert probes == [True]
    assert _confirm(client, preview).status_code == 200  # read again, the same way
    assert probes == [True, True]
    with app_session(own_app) as session:
        assert session.scalar(select(Listing).where(Listing.ref == "imp-xoai-1")) is not None
