"""The on-disk index: built from the database, swapped in whole, and checked against it."""

from pathlib import Path

import pytest

from marketplace.dates import today_in_vietnam
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend, make_backend
from marketplace.search.query import read_request
from marketplace.search.schema import INDEX_FORMAT
from marketplace.search.store import FORMAT_FILE
from tests.factories import make_org


def titles(backend, text: str) -> list[str]:
    return [hit.title for hit in backend.search(read_request({"q": text})[0], today_in_vietnam()).hits]


@pytest.fixture
def whoosh(tmp_path) -> WhooshBackend:
    return WhooshBackend(tmp_path / "index")


@pytest.fixture(params=["disk", "memory"])
def backend(request, tmp_path):
    """The same engine on disk, and in RAM (what SEARCH_INDEX_DIR=memory:// gives)."""
    return WhooshBackend(tmp_path / "index") if request.param == "disk" else make_backend("memory://")


def test_memory_url_means_whoosh_in_ram():
    backend = make_backend("memory://")
    assert isinstance(backend, WhooshBackend) and backend.root is None
    assert not backend.exists()


def test_reindex_then_check_is_clean(session, backend):
    make_org("club", name="Hội quán Khóm Tân Phước", commune_code="28321")
    count = search.reindex(session, backend, commit=session.commit)
    assert count >= 1
    assert search.check(session, backend).clean


def test_check_reports_missing_extra_and_stale(session, backend):
    gone = make_org("club", name="Hội quán sẽ bị xoá")  # first, so SQLite cannot reuse its id
    org = make_org("club", name="Hội quán Nhãn Phú Hựu")
    search.reindex(session, backend, commit=session.commit)
    org.name = "Hội quán Nhãn Ido Phú Hựu"
    session.delete(gone)
    added = make_org("cooperative", name="HTX mới")
    session.flush()
    differences = search.check(session, backend)
    assert differences.stale == [f"org:{org.id}"]
    assert differences.extra == [f"org:{gone.id}"]
    assert differences.missing == [f"org:{added.id}"]


def test_search_without_accents_finds_accented_names(session, backend):
    make_org("club", name="Hội quán Quýt hồng Long Hậu", commune_code="30235")
    search.reindex(session, backend, commit=session.commit)
    assert "Hội quán Quýt hồng Long Hậu" in titles(backend, "quyt hong")


def test_a_rebuild_swaps_the_current_folder_and_removes_the_old_one(session, whoosh):
    make_org("club", name="Hội quán Sen Tháp Mười", commune_code="30037")
    search.reindex(session, whoosh, commit=session.commit)
    first = whoosh.current.resolve()
    search.reindex(session, whoosh, commit=session.commit)
    second = whoosh.current.resolve()
    assert first != second
    assert not first.exists()
    assert [p.name for p in Path(whoosh.root).glob("build-*")] == [second.name]


def test_a_failed_rebuild_leaves_the_previous_index_usable(session, whoosh):
    make_org("club", name="Hội quán Hoa kiểng Tân Quy Đông", commune_code="29905")
    search.reindex(session, whoosh, commit=session.commit)

    def broken_documents():
        yield from []
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        whoosh.rebuild(broken_documents())
    assert titles(whoosh, "hoa kieng") == ["Hội quán Hoa kiểng Tân Quy Đông"]
    assert len(list(Path(whoosh.root).glob("build-*"))) == 1


def test_an_index_of_an_older_format_is_rebuilt_by_the_next_sync(session, whoosh):
    make_org("club", name="Hội quán Sen Tháp Mười", commune_code="30037")
    search.reindex(session, whoosh, commit=session.commit)
    (whoosh.current / FORMAT_FILE).unlink()  # as an index built before the accented fields
    assert not whoosh.exists()
    assert titles(whoosh, "sen") == ["Hội quán Sen Tháp Mười"]  # searches read it until the swap
    report = search.sync(session, whoosh, commit=session.commit)
    assert report.rebuilt is not None
    assert whoosh.exists() and search.check(session, whoosh).clean
    assert titles(whoosh, "Tháp Mười") == ["Hội quán Sen Tháp Mười"]


def test_an_index_of_format_3_is_rebuilt_by_the_next_sync(session, whoosh):
    # Format 3 had Whoosh's plain fields in its saved schema; ours (schema.FoldedText, ...) are 4.
    assert INDEX_FORMAT == "4"
    make_org("club", name="Hội quán Sen Tháp Mười", commune_code="30037")
    search.reindex(session, whoosh, commit=session.commit)
    (whoosh.current / FORMAT_FILE).write_text("3")
    assert not whoosh.exists()
    assert titles(whoosh, "sen") == ["Hội quán Sen Tháp Mười"]  # searches read it until the swap
    report = search.sync(session, whoosh, commit=session.commit)
    assert report.rebuilt is not None
    assert whoosh.exists() and (whoosh.current / FORMAT_FILE).read_text().strip() == "4"


def test_cli_reindex_and_check(app, session):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    make_org("club", name="Hội quán chưa vào chỉ mục")
    session.commit()  # inside the test's outer transaction, rolled back afterwards
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0  # the worker has not applied it yet: not a fault
    assert "pending: 1, the worker has not applied them yet (1 documents differ until it does)" in result.output
