"""The index follows the database: every change writes an outbox row in its own transaction, the
indexer applies committed rows, and `check` finds the two equal after any run of edits."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import delete, insert, select, update

from marketplace.accounts.models import Organization
from marketplace.changes.models import SearchOutbox
from marketplace.credentials import services as credentials
from marketplace.dates import today_in_vietnam
from marketplace.demand import services as demand_service
from marketplace.demand.models import DemandPost
from marketplace.errors import ValidationError
from marketplace.listings import services as listings
from marketplace.listings.models import Listing
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.documents import doc_id
from marketplace.search.query import read_request
from tests.factories import (
    make_certificate,
    make_demand,
    make_listing,
    make_org,
    make_planting_code,
    make_user,
)

DAY = timedelta(days=1)


@pytest.fixture
def backend(tmp_path) -> WhooshBackend:
    return WhooshBackend(tmp_path / "index")


def outbox_after(session, last_id: int) -> list[tuple[str, int]]:
    rows = session.execute(select(SearchOutbox.entity, SearchOutbox.entity_id)
                           .where(SearchOutbox.id > last_id).order_by(SearchOutbox.id)).all()
    return [tuple(row) for row in rows]


def last_outbox_id(session) -> int:
    return max(session.scalars(select(SearchOutbox.id)).all(), default=0)


@contextmanager
def outbox_rows_written(session) -> Iterator[list[tuple[str, int]]]:
    """The (entity, id) outbox rows the block writes, flushed but not committed: the list is filled
    when the block ends."""
    mark = last_outbox_id(session)
    written: list[tuple[str, int]] = []
    yield written
    session.flush()
    written.extend(outbox_after(session, mark))


def found(backend, args: dict | str, today=None) -> set[str]:
    today = today or today_in_vietnam()
    args = {"q": args} if isinstance(args, str) else args
    request, problems = read_request(args)
    assert problems == {}
    return {hit.doc_id for hit in backend.search(request, today).hits}


def assert_clean(session, backend):
    differences = search.check(session, backend)
    assert differences.clean, differences


# -- the outbox ------------------------------------------------------------------------------

def _pause_listing(session, listing):
    listings.change_status(session, listing, "pause", today=today_in_vietnam())


def _close_demand(session, demand):
    demand_service.change_status(session, demand, "close", today=today_in_vietnam())


@pytest.mark.parametrize(("entity", "org_kind", "make_post", "change_status"), [
    ("listing", "club", lambda org: make_listing(org, "xoài", variety="cát Chu"), _pause_listing),
    ("demand", "supermarket", lambda org: make_demand(org, "dứa"), _close_demand),
])
def test_a_listing_or_demand_post_writes_outbox_rows_when_created_its_status_changed_and_deleted(
        session, entity, org_kind, make_post, change_status):
    org = make_org(org_kind)
    with outbox_rows_written(session) as written:
        post = make_post(org)
    assert (entity, post.id) in written

    with outbox_rows_written(session) as written:
        change_status(session, post)
    assert written == [(entity, post.id)]

    with outbox_rows_written(session) as written:
        session.delete(post)
    assert written == [(entity, post.id)]


def test_editing_a_listing_writes_its_outbox_row_in_the_same_transaction(session):
    listing = make_listing(make_org("club"), "xoài", variety="cát Chu")
    with outbox_rows_written(session) as written:
        listing.price_vnd = 41000
    assert written == [("listing", listing.id)]  # flushed, not committed: the same transaction


def test_an_organisation_writes_outbox_rows(session):
    with outbox_rows_written(session) as written:
        org = make_org("club", name="Hội quán Thử")
    assert written == [("org", org.id)]
    with outbox_rows_written(session) as written:
        org.name = "Hội quán Thử Đổi Tên"
    assert written == [("org", org.id)]
    with outbox_rows_written(session) as written:
        session.delete(org)
    assert written == [("org", org.id)]


@pytest.mark.parametrize("kind", ["certificate", "planting_code"])
def test_a_credential_enqueues_its_organisation(session, kind):
    org = make_org("club")
    staff = make_user("staff")
    with outbox_rows_written(session) as written:
        credential = make_certificate(org, "vietgap") if kind == "certificate" else make_planting_code(org)
    assert set(written) == {("org", org.id)}

    with outbox_rows_written(session) as written:
        credentials.change_status(session, credential, "suspend", staff, reason="kiểm tra lại")
    assert set(written) == {("org", org.id)}

    with outbox_rows_written(session) as written:
        session.delete(credential)
    assert set(written) == {("org", org.id)}


def test_a_change_that_touches_nothing_searchable_writes_nothing(session):
    org = make_org("club")
    make_listing(org)
    with outbox_rows_written(session) as written:
        make_user("seller", org=org)  # a user and a membership
    assert written == []


def test_a_rolled_back_change_leaves_no_row_and_no_index_change(session, backend):
    org = make_org("club", name="Hội quán Xoài Mỹ Xương", commune_code="30076")
    listing = make_listing(org, "xoài", variety="cát Chu")
    search.sync(session, backend, commit=session.commit)
    before = backend.fingerprints()
    mark = last_outbox_id(session)

    listing.variety_text, listing.price_vnd = "", 1
    org.name = "Hội quán Đổi Tên"
    session.add(Listing(organization=org, product=listing.product, quantity=1, quantity_available=1, unit="kg",
                        available_from=today_in_vietnam(), available_to=today_in_vietnam(), status="published"))
    session.flush()
    assert outbox_after(session, mark)
    session.rollback()

    assert outbox_after(session, mark) == []
    report = search.sync(session, backend, commit=session.commit)
    assert report.rows == 0
    assert backend.fingerprints() == before
    assert_clean(session, backend)


# -- following the outbox --------------------------------------------------------------------

def test_sync_builds_the_index_when_there_is_none(session, backend):
    org = make_org("club", name="Hội quán Sen Tháp Mười", commune_code="30037")
    make_listing(org, "sen")
    assert not backend.exists()
    assert found(backend, "sen") == set()  # no index yet: nothing, and no error
    report = search.sync(session, backend, commit=session.commit)
    assert report.rebuilt is not None and report.rebuilt >= 2
    assert backend.exists()
    assert doc_id("org", org.id) in found(backend, "sen")
    assert_clean(session, backend)
    assert search.pending(session, backend) == 0


def test_reindex_leaves_the_outbox_for_sync(session, backend):
    org = make_org("club", name="Hội quán Khóm Tân Phước", commune_code="28321")
    listing = make_listing(org, "khóm")
    rows = session.scalar(select(SearchOutbox.id).order_by(SearchOutbox.id.desc()).limit(1))
    search.reindex(session, backend, commit=session.commit)
    assert_clean(session, backend)
    assert session.get(SearchOutbox, rows) is not None  # the rows are still there
    pending = search.pending(session, backend)
    assert pending >= 2  # the org's and the listing's rows: recent ones are followed again
    report = search.sync(session, backend, commit=session.commit)
    assert report.rows == pending
    assert report.applied.updated == report.applied.deleted == 0  # already in the rebuilt index
    assert search.pending(session, backend) == 0
    assert doc_id("listing", listing.id) in found(backend, "khom")


def test_sync_applies_creates_edits_and_deletes(session, backend):
    org = make_org("club", name="Hội quán Phong Hòa", commune_code="30226")
    search.sync(session, backend, commit=session.commit)
    listing = make_listing(org, "xoài", variety="cát Chu")
    search.sync(session, backend, commit=session.commit)
    assert found(backend, "xoai cat chu") == {doc_id("listing", listing.id)}

    listings.quick_update(session, listing, quantity="0", today=today_in_vietnam())
    session.commit()
    search.sync(session, backend, commit=session.commit)
    assert found(backend, "xoai cat chu") == set()  # sold out
    listings.quick_update(session, listing, quantity="500", today=today_in_vietnam())
    session.commit()
    search.sync(session, backend, commit=session.commit)
    assert found(backend, "xoai cat chu") == {doc_id("listing", listing.id)}

    session.delete(listing)
    session.commit()
    report = search.sync(session, backend, commit=session.commit)
    assert report.applied.deleted == 1
    assert found(backend, "xoai cat chu") == set()
    assert_clean(session, backend)


def test_an_org_renamed_is_renamed_on_its_listings(session, backend):
    org = make_org("club", name="Hội quán Cũ", commune_code="30226")
    listing = make_listing(org, "xoài")
    search.sync(session, backend, commit=session.commit)
    org.name = "Hội quán Xoài Hòa An"
    session.commit()
    report = search.sync(session, backend, commit=session.commit)
    assert report.applied.updated == 2  # the org and its listing
    assert doc_id("listing", listing.id) in found(backend, "hoa an")
    assert_clean(session, backend)


def test_deleting_an_org_removes_its_listings_and_demand(session, backend):
    club = make_org("club", name="Hội quán Sẽ Giải Thể", commune_code="30226")
    make_certificate(club, "vietgap")
    kept = make_org("club", name="Hội quán Ở Lại", commune_code="30226")
    gone = [make_listing(club, "xoài"), make_listing(club, "dừa", unit="trái")]
    stays = make_listing(kept, "xoài")
    buyer = make_org("supermarket", name="Siêu thị Đóng Cửa")
    demand = make_demand(buyer, "xoài")
    search.sync(session, backend, commit=session.commit)
    assert {doc_id("listing", x.id) for x in gone} <= found(backend, "xoai") | found(backend, "dua")

    session.delete(club)
    session.delete(buyer)
    session.commit()  # the database deletes their listings, demand and credentials (ON DELETE CASCADE)
    assert session.scalars(select(Listing.id).where(Listing.organization_id == club.id)).all() == []
    assert session.scalar(select(DemandPost.id).where(DemandPost.id == demand.id)) is None
    search.sync(session, backend, commit=session.commit)
    assert_clean(session, backend)
    indexed = set(backend.fingerprints())
    assert {doc_id("listing", x.id) for x in gone}.isdisjoint(indexed)
    assert doc_id("demand", demand.id) not in indexed
    assert doc_id("org", club.id) not in indexed
    assert doc_id("listing", stays.id) in indexed


# -- credentials: expiry by date, suspension through the outbox ------------------------------

def test_an_expiring_certificate_drops_out_of_the_filter_without_a_reindex(session, backend):
    org = make_org("club", name="Hội quán Xoài Mỹ Xương", commune_code="30076")
    vietgap = make_certificate(org, "vietgap", expires_on=today_in_vietnam() + 10 * DAY)
    listing = make_listing(org, "xoài", certificates=[vietgap], available_to=today_in_vietnam() + 60 * DAY)
    search.sync(session, backend, commit=session.commit)
    filtered = {"q": "xoai", "certificate": "vietgap", "type": "listing"}
    before = backend.fingerprints()

    assert found(backend, filtered, today=today_in_vietnam() + 10 * DAY) == {doc_id("listing", listing.id)}
    assert found(backend, filtered, today=today_in_vietnam() + 11 * DAY) == set()
    assert found(backend, {"q": "xoai", "type": "listing"}, today=today_in_vietnam() + 11 * DAY) == {doc_id("listing", listing.id)}
    # Nothing was written, nothing is stale: the database says the same on any day.
    assert backend.fingerprints() == before
    assert_clean(session, backend)
    # The daily `credentials expire` marks it expired: a database change, through the outbox.
    assert credentials.expire_due(session, today_in_vietnam() + 11 * DAY) == 1
    session.commit()
    search.sync(session, backend, commit=session.commit)
    assert_clean(session, backend)
    assert found(backend, filtered, today=today_in_vietnam()) == set()


@pytest.mark.parametrize("kind", ["certificate", "planting_code"])
def test_a_suspension_reaches_the_filter_through_the_outbox(session, backend, kind):
    org = make_org("club", name="Hội quán Tân Thuận Tây", commune_code="29869")
    staff = make_user("staff")
    if kind == "certificate":
        credential = make_certificate(org, "vietgap")
        listing = make_listing(org, "xoài", certificates=[credential])
        filtered = {"q": "xoai", "certificate": "vietgap", "type": "listing"}
    else:
        credential = make_planting_code(org)
        listing = make_listing(org, "xoài", planting_codes=[credential])
        filtered = {"q": "xoai", "has_planting_code": "1", "type": "listing"}
    search.sync(session, backend, commit=session.commit)
    assert found(backend, filtered) == {doc_id("listing", listing.id)}

    credentials.change_status(session, credential, "suspend", staff, reason="Hồ sơ cần xác minh lại")
    session.commit()
    assert found(backend, filtered) == {doc_id("listing", listing.id)}  # not yet followed
    assert not search.check(session, backend).clean
    report = search.sync(session, backend, commit=session.commit)
    assert report.rows >= 1
    assert found(backend, filtered) == set()
    assert found(backend, {"q": "xoai", "type": "listing"}) == {doc_id("listing", listing.id)}
    assert_clean(session, backend)

    credentials.change_status(session, credential, "verify", staff)
    session.commit()
    search.sync(session, backend, commit=session.commit)
    assert found(backend, filtered) == {doc_id("listing", listing.id)}
    assert_clean(session, backend)


# -- any run of edits ------------------------------------------------------------------------

class RandomEdits:
    """Creates, edits, deletes and status changes chosen by a seeded random generator."""

    PRODUCTS = [("xoài", "cát Chu"), ("xoài", "cát Hòa Lộc"), ("khóm", "Queen"), ("dừa", "xiêm xanh"),
                ("quýt", "hồng Lai Vung"), ("sen", ""), ("dưa hấu", "")]
    COMMUNES = ["30076", "29869", "30235", "30037", "28321", "28696"]

    def __init__(self, session, seed: int):
        self.session = session
        self.random = random.Random(seed)
        self.staff = make_user("staff")
        self.steps = 0
        self.done: dict[str, int] = {}

    def pick(self, model, **where):
        statement = select(model).order_by(model.id)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        rows = self.session.scalars(statement).all()
        return self.random.choice(rows) if rows else None

    def club(self):
        return self.pick(Organization, kind="club") or self.new_club()

    def new_club(self):
        return make_org("club", name=f"Hội quán {self.random.choice(['Xoài', 'Sen', 'Khóm'])} "
                                     f"{self.random.randint(1, 10**6)}",
                        commune_code=self.random.choice(self.COMMUNES))

    def new_listing(self):
        org = self.club()
        product, variety = self.random.choice(self.PRODUCTS)
        certificates = [c for c in credentials.certificates_of(self.session, org) if c.type != "ocop"][:1]
        make_listing(org, product, variety=variety, price_vnd=str(self.random.randint(5, 90) * 1000),
                     certificates=certificates, unit="trái" if product == "dừa" else "kg",
                     available_to=today_in_vietnam() + self.random.randint(1, 60) * DAY)

    def new_demand(self):
        buyer = self.pick(Organization, kind="supermarket") or make_org("supermarket", name="Siêu thị Thử")
        product, variety = self.random.choice(self.PRODUCTS)
        make_demand(buyer, product, variety=variety, unit="tấn",
                    required_certificates=self.random.choice(["", "vietgap"]))

    def new_credential(self):
        org = self.club()
        if self.random.random() < 0.5:
            make_certificate(org, self.random.choice(["vietgap", "globalgap", "ocop"]),
                             expires_on=today_in_vietnam() + self.random.randint(5, 300) * DAY)
        else:
            make_planting_code(org, kind=self.random.choice(["growing_area", "packing_house"]))

    def edit_listing(self):
        listing = self.pick(Listing)
        if listing is None:
            return
        change = self.random.choice(["price", "quantity", "status", "text"])
        if change == "price":
            listing.price_vnd = self.random.randint(5, 90) * 1000
        elif change == "quantity":
            listings.quick_update(self.session, listing, quantity=str(self.random.choice([0, 10, 500])), today=today_in_vietnam())
        elif change == "status":
            action = self.random.choice(["publish", "pause", "sold_out", "unpublish"])
            try:
                listings.change_status(self.session, listing, action, today=today_in_vietnam())
            except ValidationError:  # not allowed from this status
                self.session.rollback()
                return
        else:
            listing.description = f"Đợt {self.random.randint(1, 99)}: trái đẹp, giao tận nơi."

    def edit_demand(self):
        demand = self.pick(DemandPost)
        if demand is None:
            return
        action = self.random.choice(["pause", "reopen", "close", "fulfil", "notes"])
        if action == "notes":
            demand.quality_notes = f"Loại {self.random.randint(1, 3)}"
            return
        try:
            demand_service.change_status(self.session, demand, action, today=today_in_vietnam())
        except ValidationError:
            self.session.rollback()

    def edit_org(self):
        org = self.club()
        if self.random.random() < 0.5:
            org.name = f"Hội quán Đổi Tên {self.random.randint(1, 10**6)}"
        else:
            org.commune_code = self.random.choice(self.COMMUNES)

    def edit_credential(self):
        from marketplace.credentials.models import Certificate, PlantingCode

        credential = self.pick(self.random.choice([Certificate, PlantingCode]))
        if credential is None:
            return
        action = {"active": "suspend", "suspended": "verify", "pending": "verify"}.get(credential.status)
        if action is None:
            return
        credentials.change_status(self.session, credential, action, self.staff, reason="kiểm tra")

    def delete_something(self):
        model = self.random.choice([Listing, DemandPost, Organization])
        record = self.pick(model, kind="club") if model is Organization else self.pick(model)
        if record is not None:
            self.session.delete(record)

    def step(self):
        self.steps += 1
        operation = self.random.choices(
            [self.new_club, self.new_listing, self.new_demand, self.new_credential, self.edit_listing,
             self.edit_demand, self.edit_org, self.edit_credential, self.delete_something],
            weights=[1, 4, 2, 2, 4, 2, 2, 2, 1])[0]
        operation()
        self.session.commit()
        self.done[operation.__name__] = self.done.get(operation.__name__, 0) + 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_check_is_clean_after_any_run_of_edits_and_syncs(session, backend, seed):
    edits = RandomEdits(session, seed)
    for _ in range(4):
        edits.new_club()
    for step in range(80):
        edits.step()
        if edits.random.random() < 0.15:
            batch = edits.random.choice([1, 3, 500])
            search.sync(session, backend, batch=batch, commit=session.commit)
            assert search.pending(session, backend) == 0, f"step {step}"
    search.sync(session, backend, batch=7, commit=session.commit)
    assert_clean(session, backend)
    assert len(edits.done) == 9, edits.done  # every kind of change happened
    # And the index answers as the database does.
    live = {doc_id("listing", x.id) for x in listings.public_listings(session, today=today_in_vietnam(), limit=1000)}
    hits = backend.search(replace(read_request({"type": "listing"})[0], per_page=1000), today_in_vietnam()).hits
    assert {hit.doc_id for hit in hits} == live


# -- the command line ------------------------------------------------------------------------

def test_cli_sync_then_check(app, session):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    org = make_org("club", name="Hội quán Qua Dòng Lệnh")
    make_listing(org, "xoài")
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output  # behind, not wrong
    assert "pending: 2, the worker has not applied them yet (2 documents differ until it does)" in result.output
    assert "missing" not in result.output
    result = runner.invoke(args=["search", "sync"])
    assert result.exit_code == 0, result.output
    assert "outbox rows:" in result.output
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "index matches the database" in result.output
    assert "pending" not in result.output


def test_cli_check_reports_pending_changes_apart_from_real_differences(app, session):
    runner = app.test_cli_runner()
    org = make_org("club", name="Hội quán Trước Khi Đổi")
    listing = make_listing(org, "xoài")
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    assert runner.invoke(args=["search", "sync"]).exit_code == 0  # rows of the last minutes, seen again
    org, listing = session.get(Organization, org.id), session.get(Listing, listing.id)  # a new session
    org.name = "Hội quán Sau Khi Đổi"  # pending: the org row also covers the org's listing
    session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 0, result.output
    assert "pending: 1, the worker has not applied them yet (2 documents differ until it does)" in result.output
    assert "no other difference" in result.output

    # Changes that left no outbox row (a bulk UPDATE that forgot outbox.enqueue): really wrong.
    mark = last_outbox_id(session)
    session.execute(update(Listing).where(Listing.id == listing.id).values(price_vnd=12345))
    neighbour = make_org("club", name="Hội quán Bên Cạnh")
    other = make_listing(neighbour, "khóm")
    session.execute(delete(SearchOutbox).where(SearchOutbox.id > mark))
    session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1, result.output
    assert "pending: 1, the worker has not applied them yet (2 documents differ until it does)" in result.output
    assert f"missing: 2 (listing:{other.id}, org:{neighbour.id})" in result.output
    assert "stale" not in result.output  # the renamed org's listing is waiting, not wrong

    runner.invoke(args=["search", "sync"])
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1, result.output
    assert "pending" not in result.output
    assert f"missing: 2 (listing:{other.id}, org:{neighbour.id})" in result.output
    session.execute(update(Listing).where(Listing.id == listing.id).values(price_vnd=99999))
    session.commit()
    result = runner.invoke(args=["search", "check"])
    assert f"stale: 1 (listing:{listing.id})" in result.output


def test_cli_check_reports_stale_and_extra(app, session):
    runner = app.test_cli_runner()
    org = make_org("club", name="Hội quán Trước Khi Đổi")
    listing = make_listing(org, "xoài")
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    org.name = "Hội quán Sau Khi Đổi"
    session.delete(listing)
    session.commit()
    session.execute(delete(SearchOutbox))  # as if the changes had left no trace in the change log
    session.commit()
    result = runner.invoke(args=["search", "check"])
    assert result.exit_code == 1
    assert f"stale: 1 (org:{org.id})" in result.output
    assert f"extra: 1 (listing:{listing.id})" in result.output


def test_a_row_committed_late_below_a_handled_one_is_still_followed(session, tmp_path):
    """PostgreSQL hands out ids at insert: a slow transaction can commit id 5 after id 6 was
    handled. The index must not skip it."""
    backend = WhooshBackend(tmp_path / "late")
    org = make_org("club", name="Hội quán Trễ Hẹn")
    search.sync(session, backend, commit=session.commit)
    ids = [session.execute(insert(SearchOutbox).values(entity="org", entity_id=org.id)
                           .returning(SearchOutbox.id)).scalar_one() for _ in range(2)]
    early, late = ids
    # Only the later row is visible to the first sync: the earlier one "commits" afterwards.
    session.execute(delete(SearchOutbox).where(SearchOutbox.id == early))
    search.sync(session, backend, commit=session.commit)
    assert search.pending(session, backend) == 0
    session.execute(insert(SearchOutbox).values(id=early, entity="org", entity_id=org.id))
    assert search.pending(session, backend) == 1
    org.name = "Hội quán Đúng Hẹn"
    session.flush()
    search.sync(session, backend, commit=session.commit)
    assert search.pending(session, backend) == 0
    assert search.check(session, backend).clean
    assert late > early
