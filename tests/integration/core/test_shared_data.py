"""Plain data kept per process (marketplace/shared_data.py, issue #21): the home page's categories
are read once and kept, read again at once when this process commits a catalogue change, and
after SHARED_DATA_SECONDS when another process made it. The suite runs with it off (0 s)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, update

from marketplace import db
from marketplace.products.models import Category, Product
from marketplace.shared_data import SharedData
from tests.clients import app_session, text_of


@pytest.fixture
def kept(app, monkeypatch) -> SharedData:
    keeper = SharedData(60)
    monkeypatch.setitem(app.extensions, "shared_data", keeper)
    return keeper


def _category_reads(app, client) -> tuple[int, str]:
    reads = []

    def count(conn, cursor, statement, *_):
        if "FROM categories" in statement:
            reads.append(statement)

    engine = db.get_engine(app)
    event.listen(engine, "before_cursor_execute", count)
    try:
        page = text_of(client.get("/"))
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(reads), page


def _shown_category(app) -> Category:
    with app_session(app) as session:
        listed = select(Product.category_code).where(Product.in_catalogue.is_(True))
        return session.scalars(select(Category).where(Category.code.in_(listed)).order_by(Category.position)).first()


def test_the_categories_are_read_once_and_kept(app, client, kept):
    first, page = _category_reads(app, client)
    again, same = _category_reads(app, client)
    assert first == 1 and again == 0
    assert _shown_category(app).name_vi in page and _shown_category(app).name_vi in same


def test_a_category_renamed_here_shows_on_the_next_page(app, client, kept):
    code = _shown_category(app).code
    _category_reads(app, client)
    with app_session(app) as session:
        session.get(Category, code).name_vi = "Trái cây đổi tên"
        session.commit()
    reads, page = _category_reads(app, client)
    assert reads == 1 and "Trái cây đổi tên" in page


def test_a_product_added_here_brings_its_category_at_once(app, client, kept):
    with app_session(app) as session:
        empty = session.scalars(select(Category).where(~Category.code.in_(
            select(Product.category_code).where(Product.in_catalogue.is_(True))))).first()
        if empty is None:
            empty = Category(code="thu-nghiem", name_vi="Nhóm thử nghiệm", name_en="Test group", position=999)
            session.add(empty)
            session.commit()
        name = empty.name_vi
        code = empty.code
    assert name not in _category_reads(app, client)[1]
    with app_session(app) as session:
        session.add(Product(slug="san-pham-moi-thu", category_code=code, name_vi="Sản phẩm mới thử", name_en="New test product"))
        session.commit()
    assert name in _category_reads(app, client)[1]


def test_a_change_made_elsewhere_shows_after_the_time_kept(app, client, kept, monkeypatch):
    code = _shown_category(app).code
    _category_reads(app, client)
    # As another process would: no flush of this process sees it (a bulk UPDATE, committed).
    with app_session(app) as session:
        session.execute(update(Category).where(Category.code == code).values(name_vi="Đổi ở nơi khác"))
        session.commit()
    reads, page = _category_reads(app, client)
    assert reads == 0 and "Đổi ở nơi khác" not in page  # kept: at most a minute late
    import marketplace.shared_data as shared_data
    later = shared_data.time.monotonic() + 61
    monkeypatch.setattr(shared_data.time, "monotonic", lambda: later)
    reads, page = _category_reads(app, client)
    assert reads == 1 and "Đổi ở nơi khác" in page


def test_a_rolled_back_change_forgets_nothing(app, client, kept):
    code = _shown_category(app).code
    _category_reads(app, client)
    generation = kept.generation
    with app_session(app) as session:
        session.get(Category, code).name_vi = "Không lưu"
        session.flush()
        session.rollback()
    assert kept.generation == generation
    assert _category_reads(app, client)[0] == 0
