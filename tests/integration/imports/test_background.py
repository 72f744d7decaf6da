"""A large file on the staff import page (issue #21): its preview and its confirmation are run by
the background worker, and the page shows a status (the step; rows read, checked, written) that
refreshes itself without JavaScript, then the very page a small file gets. Only the person who
started an import sees it; a failing import stores nothing and says so; a job the worker has not
picked up says that too. Small files keep the in-request path (test_preview.py)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import delete, select, update

from marketplace import worker
from marketplace.accounts.models import Membership, User
from marketplace.dates import today_in_vietnam
from marketplace.db import utcnow
from marketplace.imports import background, readers, run, services
from marketplace.imports.models import ImportJob, PendingImport
from marketplace.imports.run import Progress
from tests.clients import app_session, post
from tests.import_golden import golden_sheets
from tests.integration.imports.test_import import (
    COOP,
    _upload,
    by_ref,
    confirm_token,
    counts,
    good_sheets,
)
from tests.integration.imports.test_preview import _staff
from tests.sheets import xlsx_bytes


@pytest.fixture
def large(app, tmp_path, monkeypatch):
    """Every file counts as large (the worker runs it); progress files in a folder of this test."""
    monkeypatch.setitem(app.config, "IMPORT_IN_REQUEST_MAX_BYTES", 1)
    monkeypatch.setitem(app.config, "IMPORT_PROGRESS_DIR", str(tmp_path / "progress"))
    return tmp_path / "progress"


def _run_worker(app) -> bool:
    """One run of the worker's imports job, in this process."""
    with app.app_context():
        return worker.jobs(app)["imports"].run()


def _job_url(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)
    location = response.headers["Location"]
    assert re.fullmatch(r"/staff/import/jobs/\d+", location), location
    return location


def _job_id(url: str) -> int:
    return int(url.rsplit("/", 1)[1])


def _confirm(client, preview, verified: bool = False):
    data = {"token": confirm_token(preview)}
    if verified:
        data["verified"] = "y"
    return post(client, "/staff/import/confirm?lang=en", data)


# The whole flow ----------------------------------------------------------------------------

def test_a_large_file_is_previewed_and_imported_by_the_worker_behind_a_status_page(app, large):
    _staff_user, client = _staff(app)
    with app_session(app) as session:
        before = counts(session)

    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="mua-xoai.xlsx"))
    waiting = client.get(url)
    html = waiting.get_data(as_text=True)
    assert waiting.status_code == 200
    assert "Waiting for the background worker" in html and "mua-xoai.xlsx" in html
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in html  # works without JS
    assert f'href="{url}"' in html and ">Refresh<" in html
    assert 'role="status" aria-live="polite"' in html and "<progress" in html
    assert re.search(r'data-testid="import-job-counts"[^>]* hidden>', html)  # nothing read yet: no "0 of 0"
    assert re.search(r'data-testid="import-job-help" role="status" aria-live="polite"', html)
    assert 'class="import-job-file"' in html
    assert client.get(url + "/status.json").get_json()["phase"] == "waiting"
    with app_session(app) as session:
        assert counts(session) == before  # nothing read yet, nothing stored

    assert _run_worker(app) is True
    assert _run_worker(app) is False  # nothing else waits
    preview = client.get(url)
    html = preview.get_data(as_text=True)
    assert preview.status_code == 200
    assert "Preview: nothing is stored yet" in html and "To create: 1" in html and "mua-xoai.xlsx" in html
    assert 'http-equiv="refresh"' not in html
    assert client.get(url + "/status.json").get_json()["finished"] is True
    with app_session(app) as session:
        assert counts(session) == before  # the preview stored nothing

    confirm_url = _job_url(_confirm(client, preview))
    assert confirm_url != url
    assert "Waiting for the background worker" in client.get(confirm_url).get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before
    _run_worker(app)
    done = client.get(confirm_url)
    html = done.get_data(as_text=True)
    assert done.status_code == 200
    assert "Imported: everything is stored." in html and "mua-xoai.xlsx" in html
    with app_session(app) as session:
        assert by_ref(session, COOP) is not None
        assert counts(session)["Listing"] == before["Listing"] + 1
        assert session.scalar(select(PendingImport).where(PendingImport.filename == "mua-xoai.xlsx")) is None

    again = _confirm(client, preview)  # the same confirmation twice: refused, as for a small file
    assert again.status_code == 409


def test_the_pages_of_a_large_file_are_those_of_a_small_one(app, large, monkeypatch):
    """Same report, same token fields, same status: the worker's page is today's page."""
    _staff_user, client = _staff(app)
    data = xlsx_bytes(good_sheets())
    url = _job_url(_upload(client, data, name="a.xlsx"))
    _run_worker(app)
    from_worker = client.get(url).get_data(as_text=True)
    monkeypatch.setitem(app.config, "IMPORT_IN_REQUEST_MAX_BYTES", 10**8)
    in_request = _upload(client, data, name="a.xlsx").get_data(as_text=True)

    assert "Preview: nothing is stored yet" in from_worker
    assert _main(from_worker) == _main(in_request)


def test_a_file_with_problems_shows_them_and_keeps_nothing(app, large):
    _staff_user, client = _staff(app)
    sheets = good_sheets()
    sheets["organizations"][1][3] = "99999"  # no such commune
    url = _job_url(_upload(client, xlsx_bytes(sheets), name="loi.xlsx"))
    _run_worker(app)
    page = client.get(url)
    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Nothing was imported" in html and 'data-testid="import-confirm"' not in html
    with app_session(app) as session:
        assert session.scalar(select(PendingImport).where(PendingImport.filename == "loi.xlsx")) is None


def _main(html: str) -> str:
    """The page's content, without its tokens (signed anew on each page)."""
    return re.sub(r'value="[^"]+"', "", html[html.index("<main"):html.index("</main>")])


def test_an_unreadable_file_says_so_on_the_page(app, large, monkeypatch):
    _staff_user, client = _staff(app)
    url = _job_url(_upload(client, b"not a workbook at all", name="hong.xlsx"))
    _run_worker(app)
    page = client.get(url)
    assert page.status_code == 422
    with app_session(app) as session:
        job = session.get(ImportJob, _job_id(url))
        assert (job.state, job.outcome) == ("done", "unreadable")
    monkeypatch.setitem(app.config, "IMPORT_IN_REQUEST_MAX_BYTES", 10**8)
    in_request = _upload(client, b"not a workbook at all", name="hong.xlsx")
    assert in_request.status_code == 422
    assert _main(page.get_data(as_text=True)) == _main(in_request.get_data(as_text=True))


def test_a_file_changed_in_meaning_since_its_preview_is_not_imported(app, large):
    """The 409 "changed since its preview" case, from the worker."""
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="doi.xlsx"))
    _run_worker(app)
    preview = client.get(preview_url)
    # Meanwhile the same file is imported another way: the file would now update, not create.
    with app_session(app) as session:
        sheets = readers.read_upload("doi.xlsx", io.BytesIO(xlsx_bytes(good_sheets())))
        assert services.import_data(session, sheets, None, today_in_vietnam()).ok
        session.commit()
        before = counts(session)
    confirm_url = _job_url(_confirm(client, preview))
    _run_worker(app)
    page = client.get(confirm_url)
    html = page.get_data(as_text=True)
    assert page.status_code == 409
    assert "has changed since its preview" in html
    assert 'data-testid="import-confirm"' in html  # the new preview, to confirm again
    with app_session(app) as session:
        assert counts(session) == before


# Progress ----------------------------------------------------------------------------------

def test_the_status_shows_rows_read_checked_and_written_from_the_progress_file(app, large):
    _staff_user, client = _staff(app)
    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="dai.xlsx"))
    with app_session(app) as session:
        job = session.get(ImportJob, _job_id(url))
        session.execute(update(ImportJob).where(ImportJob.id == job.id).values(state="running",
                                                                             started_at=utcnow()))
        session.commit()
        background.write_progress(job.token, "checking", Progress(read=50000, checked=12000, written=11000))
    page = client.get(url).get_data(as_text=True)
    assert "Checking the rows" in page
    assert "Rows read: 50000, checked: 12000 of 50000" in page
    assert 'max="50000" value="12000"' in page
    assert not re.search(r'data-testid="import-job-counts"[^>]* hidden>', page)  # rows read: shown
    assert '<noscript><meta http-equiv="refresh" content="2"></noscript>' in page
    status = client.get(url + "/status.json").get_json()
    assert status == {**status, "phase": "checking", "read": 50000, "checked": 12000, "written": 11000,
                      "finished": False}


def test_the_worker_reports_progress_while_it_checks(app, large, monkeypatch):
    """The worker's progress file follows the import (every run.PROGRESS_EVERY rows), and goes
    away when the job is done."""
    monkeypatch.setattr(run, "PROGRESS_EVERY", 50)
    seen = []
    real_write = background.write_progress

    def spy(token, phase, progress=None):
        real_write(token, phase, progress)
        seen.append((phase, background.read_progress(token)))
    monkeypatch.setattr(background, "write_progress", spy)
    _staff_user, client = _staff(app)
    url = _job_url(_upload(client, xlsx_bytes(golden_sheets(today_in_vietnam(), rows=200)), name="g.xlsx"))
    _run_worker(app)
    phases = [phase for phase, _ in seen]
    assert phases[0] == "reading" and phases.count("checking") >= 5
    checked = [p["checked"] for phase, p in seen if phase == "checking"]
    assert checked == sorted(checked) and checked[-1] == seen[-1][1]["read"] > 200
    assert list(large.glob("*.json")) == []  # forgotten once done
    with app_session(app) as session:
        assert session.get(ImportJob, _job_id(url)).total_rows == checked[-1]


@pytest.mark.parametrize("phase, age, expected", [
    ("waiting", timedelta(seconds=5), "waiting"),
    ("waiting", timedelta(minutes=2), "late"),
    ("running", timedelta(minutes=1), "reading"),
    ("running", timedelta(minutes=30), "reading"),  # no progress file here (another host's worker?): no verdict
])
def test_status_of_a_job_by_its_age(phase, age, expected):
    now = utcnow()
    assert background.status_of(phase, now - age, now - age if phase == "running" else None, None,
                                now).phase == expected


def test_a_running_job_with_recent_progress_is_not_stalled():
    now = utcnow()
    long_ago = now - timedelta(hours=1)
    progress = {"phase": "checking", "read": 10, "checked": 4, "written": 0, "at": now.timestamp() - 3}
    status = background.status_of("running", long_ago, long_ago, progress, now)
    assert (status.phase, status.read, status.checked, status.finished) == ("checking", 10, 4, False)


def test_a_running_job_whose_progress_file_is_old_may_have_stopped_and_is_still_watched():
    now = utcnow()
    progress = {"phase": "checking", "read": 10, "checked": 4, "written": 0,
                "at": (now - background.STALLED_AFTER - timedelta(seconds=1)).timestamp()}
    status = background.status_of("running", now - timedelta(hours=1), now - timedelta(hours=1), progress, now)
    assert (status.phase, status.read, status.finished) == ("stalled", 10, False)


def test_a_job_the_worker_has_not_picked_up_says_so(app, large):
    _staff_user, client = _staff(app)
    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="cho.xlsx"))
    with app_session(app) as session:
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(url))
                        .values(created_at=utcnow() - timedelta(minutes=5)))
        session.commit()
    html = client.get(url).get_data(as_text=True)
    assert "The background worker has not picked this import up yet" in html
    assert "Nothing has been stored" in html
    assert 'http-equiv="refresh"' in html  # still looking, in case it starts


def test_a_job_whose_progress_stopped_may_have_stopped_and_the_page_keeps_looking(app, large):
    _staff_user, client = _staff(app)
    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="dung.xlsx"))
    with app_session(app) as session:
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(url))
                        .values(state="running", started_at=utcnow() - timedelta(minutes=30)))
        session.commit()
        token = session.get(ImportJob, _job_id(url)).token
    html = client.get(url).get_data(as_text=True)
    assert "may have stopped" not in html and 'http-equiv="refresh"' in html  # no file: no verdict
    with app.app_context():
        background.write_progress(token, "checking", Progress(read=40, checked=20))
    stale = (utcnow() - background.STALLED_AFTER - timedelta(minutes=1)).timestamp()
    path = large / f"{token}.json"
    path.write_text(path.read_text().replace('"at": ', f'"at": {stale}, "was": '))
    html = client.get(url).get_data(as_text=True)
    assert "This import may have stopped" in html and "Nothing was stored" not in html
    assert 'http-equiv="refresh"' in html  # it may yet finish: the page keeps looking
    assert client.get(url + "/status.json").get_json()["finished"] is False


def test_the_worker_marks_failed_a_job_orphaned_for_an_hour(app, large):
    _staff_user, client = _staff(app)
    orphan_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="mo-coi.xlsx"))
    recent_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="dang-chay.xlsx"))
    with app_session(app) as session:
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(orphan_url))
                        .values(state="running", started_at=utcnow() - background.ORPHANED_AFTER - timedelta(minutes=1)))
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(recent_url))
                        .values(state="running", started_at=utcnow() - timedelta(minutes=20)))
        session.commit()
    assert _run_worker(app) is False  # nothing waits; the sweep ran
    with app_session(app) as session:
        assert session.get(ImportJob, _job_id(orphan_url)).state == "failed"
        assert session.get(ImportJob, _job_id(recent_url)).state == "running"
    html = client.get(orphan_url).get_data(as_text=True)
    assert "This import failed" in html and "Nothing was stored" in html and 'http-equiv="refresh"' not in html


def test_a_job_marked_failed_while_it_ran_stores_nothing(app, large, monkeypatch):
    """The sweep guessed wrong (a slow import on another host): the import is rolled back, so the
    page's "failed, nothing was stored" stays true."""
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="cham.xlsx"))
    _run_worker(app)
    url = _job_url(_confirm(client, client.get(preview_url)))
    with app_session(app) as session:
        before = counts(session)
    real_import = services.import_data

    def import_then_be_swept(session, *args, **kwargs):
        report = real_import(session, *args, **kwargs)
        # (the sweep's own commit cannot be had inside the test's one connection: its update is
        # made here, and is rolled back with the import)
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(url)).values(state="failed"))
        return report
    monkeypatch.setattr(services, "import_data", import_then_be_swept)
    _run_worker(app)
    with app_session(app) as session:
        assert counts(session) == before
        assert session.get(ImportJob, _job_id(url)).state != "done"


# Failures ----------------------------------------------------------------------------------

def test_a_failing_import_stores_nothing_and_says_so(app, large, monkeypatch):
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="hu.xlsx"))
    _run_worker(app)
    preview = client.get(preview_url)
    with app_session(app) as session:
        before = counts(session)
    real_import = services.import_data

    def import_then_fail(*args, **kwargs):
        real_import(*args, **kwargs)  # every row written in the transaction...
        raise RuntimeError("the disk is full")  # ...then the worker fails before committing
    monkeypatch.setattr(services, "import_data", import_then_fail)
    url = _job_url(_confirm(client, preview))
    assert _run_worker(app) is True  # the failure is the job's, not the worker's
    html = client.get(url).get_data(as_text=True)
    assert "This import failed" in html and "Nothing was stored" in html
    assert "disk is full" not in html
    assert 'http-equiv="refresh"' not in html
    with app_session(app) as session:
        assert counts(session) == before
        assert session.get(ImportJob, _job_id(url)).state == "failed"
    assert list(large.glob("*.json")) == []


def test_an_expired_preview_is_refused_by_the_worker(app, large):
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="cu.xlsx"))
    _run_worker(app)
    preview = client.get(preview_url)
    url = _job_url(_confirm(client, preview))
    with app_session(app) as session:  # the kept file went (expired) before the worker came
        session.delete(session.get(PendingImport, session.get(ImportJob, _job_id(url)).pending_id))
        session.commit()
        before = counts(session)
    _run_worker(app)
    page = client.get(url)
    assert page.status_code == 409 and "upload the file again" in page.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before


# Permissions -------------------------------------------------------------------------------

def test_only_the_person_who_started_an_import_sees_it(app, large):
    _staff_user, client = _staff(app, "first")
    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="rieng.xlsx"))
    _other, other_client = _staff(app, "second")
    assert other_client.get(url).status_code == 404
    assert other_client.get(url + "/status.json").status_code == 404
    _run_worker(app)
    assert other_client.get(url).status_code == 404  # nor its preview (and its token)
    assert client.get(url).status_code == 200
    assert client.get("/staff/import/jobs/999999").status_code == 404


def test_a_small_file_stays_within_the_request(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "IMPORT_PROGRESS_DIR", str(tmp_path))
    _staff_user, client = _staff(app)
    response = _upload(client, xlsx_bytes(good_sheets()), name="nho.xlsx")
    assert response.status_code == 200 and "Preview: nothing is stored yet" in response.get_data(as_text=True)
    with app_session(app) as session:
        assert session.scalars(select(ImportJob)).all() == []


def test_jobs_older_than_a_day_are_forgotten_when_another_starts(app, large):
    _staff_user, client = _staff(app)
    old_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="cu.xlsx"))
    kept_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="vua.xlsx"))
    with app_session(app) as session:
        session.execute(update(ImportJob).where(ImportJob.id == _job_id(old_url))
                        .values(created_at=utcnow() - background.KEEP_JOBS - timedelta(minutes=1)))
        session.commit()
        old_token = session.get(ImportJob, _job_id(old_url)).token
        kept_token = session.get(ImportJob, _job_id(kept_url)).token
    with app.app_context():  # their worker stopped mid-way: their progress files were left behind
        background.write_progress(old_token, "checking", Progress(read=10))
        background.write_progress(kept_token, "checking", Progress(read=10))
    new_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="moi.xlsx"))
    with app_session(app) as session:
        # (by file name: SQLite may give the new job the id the old one had)
        assert sorted(session.scalars(select(ImportJob.filename))) == ["moi.xlsx", "vua.xlsx"]
    assert sorted(p.name for p in large.glob("*.json")) == [f"{kept_token}.json"]  # the old job's file went too
    assert "moi.xlsx" in client.get(new_url).get_data(as_text=True)


# Two confirmations of one file (review finding 1) -------------------------------------------

def _imported_meanwhile(monkeypatch):
    """import_data that first lets "another confirmation" import the kept file: its delete is
    committed before this import writes a row (as when two confirmations run at once, the second's
    delete waiting for the first's commit). On the import's own session: every test runs inside
    one rolled-back connection (tests/integration/conftest.py)."""
    real_import = services.import_data

    def another_confirmation_first(session, *args, **kwargs):
        session.execute(delete(PendingImport))
        session.commit()
        return real_import(session, *args, **kwargs)
    monkeypatch.setattr(services, "import_data", another_confirmation_first)


def test_a_second_click_on_confirm_goes_to_the_confirmation_already_waiting(app, large):
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="hai-lan.xlsx"))
    _run_worker(app)
    preview = client.get(preview_url)
    first = _job_url(_confirm(client, preview))
    assert _job_url(_confirm(client, preview)) == first
    with app_session(app) as session:
        assert len(session.scalars(select(ImportJob).where(ImportJob.kind == "confirm")).all()) == 1
        before = counts(session)
    _run_worker(app)
    assert _run_worker(app) is False
    assert "Imported: everything is stored." in client.get(first).get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session)["Listing"] == before["Listing"] + 1


def test_a_confirmation_whose_file_was_imported_meanwhile_by_the_worker_stores_nothing(app, large, monkeypatch):
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="cung-luc.xlsx"))
    _run_worker(app)
    url = _job_url(_confirm(client, client.get(preview_url)))
    with app_session(app) as session:
        before = counts(session)
    _imported_meanwhile(monkeypatch)
    _run_worker(app)
    page = client.get(url)
    assert page.status_code == 409 and "already imported" in page.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before
        assert session.get(ImportJob, _job_id(url)).outcome == "refused"


def test_an_in_request_confirmation_whose_file_was_imported_meanwhile_stores_nothing(app, monkeypatch):
    _staff_user, client = _staff(app)
    preview = _upload(client, xlsx_bytes(good_sheets()), name="nho-hai-lan.xlsx")
    assert "Preview: nothing is stored yet" in preview.get_data(as_text=True)
    with app_session(app) as session:
        before = counts(session)
    _imported_meanwhile(monkeypatch)
    page = _confirm(client, preview)
    assert page.status_code == 409 and "already imported" in page.get_data(as_text=True)
    with app_session(app) as session:
        assert counts(session) == before


def test_an_unwritable_progress_folder_does_not_stop_the_import(app, large, tmp_path, caplog):
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("")
    app.config["IMPORT_PROGRESS_DIR"] = str(blocked / "progress")  # mkdir fails: OSError (monkeypatched by `large`)
    _staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="bi-mat.xlsx"))
    caplog.set_level("WARNING", logger="marketplace.imports.background")
    _run_worker(app)
    preview = client.get(preview_url)
    assert "Preview: nothing is stored yet" in preview.get_data(as_text=True)
    url = _job_url(_confirm(client, preview))
    _run_worker(app)
    assert "Imported: everything is stored." in client.get(url).get_data(as_text=True)
    warnings = [r.getMessage() for r in caplog.records if "could not write import progress" in r.getMessage()]
    assert len(warnings) == 2  # once per job, not once per report
    assert not any("bi-mat" in w or COOP in w for w in warnings)  # nothing of the file


# The starter's rights, checked again by the worker (review finding 7) -----------------------

@pytest.mark.parametrize("change", ["deactivated", "no longer staff"])
def test_a_confirmation_whose_starter_lost_the_right_meanwhile_stores_nothing(app, large, change):
    staff_user, client = _staff(app)
    preview_url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="mat-quyen.xlsx"))
    _run_worker(app)
    url = _job_url(_confirm(client, client.get(preview_url)))
    with app_session(app) as session:
        if change == "deactivated":
            session.execute(update(User).where(User.id == staff_user.id).values(active=False))
        else:
            session.execute(delete(Membership).where(Membership.user_id == staff_user.id))
        session.commit()
        before = counts(session)
    assert _run_worker(app) is True
    with app_session(app) as session:
        assert counts(session) == before
        job = session.get(ImportJob, _job_id(url))
        assert (job.state, job.outcome) == ("done", "refused")
        assert "no longer staff" in job.report
        assert session.scalar(select(PendingImport).where(PendingImport.filename == "mat-quyen.xlsx")) is not None


def test_the_refusal_for_lost_rights_is_what_the_page_says(app, large):
    staff_user, client = _staff(app)
    url = _job_url(_upload(client, xlsx_bytes(good_sheets()), name="mat-quyen.xlsx"))
    with app_session(app) as session:
        staff_user = session.get(User, staff_user.id)
        staff_user.memberships[0].role = "buyer"  # not staff when the worker comes...
        session.commit()
    _run_worker(app)
    with app_session(app) as session:
        session.get(User, staff_user.id).memberships[0].role = "staff"  # ...staff again to read the page
        session.commit()
    page = client.get(url)
    assert page.status_code == 409 and "no longer staff" in page.get_data(as_text=True)
