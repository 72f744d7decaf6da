"""The open catalogue end to end: names and units the catalogue lacks are kept as typed,
searchable and matchable at once, queued for staff, and mapping re-links every record."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from marketplace.catalogue import services as catalogue
from marketplace.dates import today_in_vietnam
from marketplace.errors import ValidationError
from marketplace.listings.models import Listing
from marketplace.matching import services as matching
from marketplace.products.models import Product
from marketplace.products.services import choose_product, find_product
from marketplace.search import services as search
from marketplace.search.backend import WhooshBackend
from marketplace.search.query import read_request
from tests.factories import csrf_token, login, make_demand, make_listing, make_org, make_user

TODAY = today_in_vietnam()


@pytest.fixture
def backend(tmp_path) -> WhooshBackend:
    return WhooshBackend(tmp_path / "index")


def synced(session, backend) -> WhooshBackend:
    search.sync(session, backend)
    return backend


def found(backend, q: str) -> set[str]:
    request, problems = read_request({"q": q})
    assert problems == {}
    return {hit.doc_id for hit in backend.search(request, TODAY).hits}


def test_a_phrase_names_product_and_variety(session):
    club = make_org("club")
    listing = make_listing(club, "Xoài cát Chu loại 1")
    assert listing.product.slug == "xoai" and listing.variety.name == "cát Chu"
    assert listing.grade == "loại 1" and listing.product_text == "Xoài cát Chu loại 1"
    assert listing.title == "Xoài cát Chu"


def test_an_unknown_product_is_kept_as_typed_and_shared_by_whoever_types_it(session):
    club, other = make_org("club"), make_org("club")
    first = make_listing(club, "Bánh pía sầu riêng Lai Vung")
    second = make_listing(other, "bánh pía sầu riêng lai vung")
    assert first.product is second.product and first.product.in_catalogue is False
    assert first.product.name_vi == "Bánh pía sầu riêng Lai Vung"
    assert first.product.category_code in {"processed", "other"}


def test_an_unknown_unit_is_kept_as_typed(session):
    listing = make_listing(make_org("club"), "xoài", unit="bịch")
    assert listing.unit == "bịch"
    assert [u.unit for u in catalogue.typed_units(session)] == ["bịch"]


def test_a_failed_save_stores_no_product(session):
    club = make_org("club")
    before = session.scalar(select(func.count()).select_from(Product))
    with pytest.raises(ValidationError):
        make_listing(club, "Một thứ chưa ai bán", quantity="-1")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(Product)) == before


def test_the_unknown_name_is_searchable_and_matchable_at_once(session, backend):
    club, buyer = make_org("club"), make_org("supermarket")
    listing = make_listing(club, "Chuối sáp nướng")  # chuối (banana) + variety text "sáp nướng"
    typed = make_listing(club, "Khô cá sặc rằn Tháp Mười")
    request = make_demand(buyer, "kho ca sac ran thap muoi", unit="kg", quantity="100")
    assert request.product_id == typed.product_id  # the same name, typed without accents
    synced(session, backend)
    assert f"listing:{typed.id}" in found(backend, "kho ca sac")
    assert f"listing:{listing.id}" not in found(backend, "kho ca sac")
    matches = matching.matches_for_demand(session, request.id, TODAY)
    assert [m.listing.id for m in matches] == [typed.id]


def test_the_queue_counts_listings_and_requests(session):
    club, buyer = make_org("club"), make_org("supermarket")
    make_listing(club, "Bánh tráng sữa Phú Hựu")
    make_listing(club, "Bánh tráng sữa Phú Hựu", quantity="5")
    make_demand(buyer, "banh trang sua phu huu")
    names = {n.product.name_vi: (n.listings, n.requests) for n in catalogue.typed_names(session)}
    typed = find_product(session, "Bánh tráng sữa Phú Hựu")
    assert typed.in_catalogue is False
    assert names[typed.name_vi] == (2, 1)


def test_mapping_relinks_everything_and_the_index_follows(session, backend):
    club, buyer = make_org("club"), make_org("supermarket")
    one = make_listing(club, "Xoài Cát Chu Mỹ Xương đặc sản")
    assert one.product.slug == "xoai"  # product first: the rest is the variety as typed
    typed_listing = make_listing(club, "Soài cát chu")  # a common misspelling: kept as typed
    request = make_demand(buyer, "Soài cát chu")
    typed = typed_listing.product
    assert typed.in_catalogue is False and request.product_id == typed.id
    synced(session, backend)
    target = catalogue.map_name(session, typed, "xoài cát Chu")
    session.commit()
    relinked = session.get(Listing, typed_listing.id)
    assert relinked.product_id == target.id and relinked.variety.name == "cát Chu"
    assert session.get(Product, typed.id) is None
    # The typed name now reads as the catalogue product, for the next person who types it.
    choice = choose_product(session, "soài cát chu")
    assert choice.product.slug == "xoai" and choice.variety is not None and choice.variety.name == "cát Chu"
    synced(session, backend)
    assert search.check(session, backend).clean
    assert f"listing:{typed_listing.id}" in found(backend, "xoai cat chu")
    matches = matching.matches_for_demand(session, request.id, TODAY)
    assert typed_listing.id in {m.listing.id for m in matches}


def test_mapping_refuses_a_name_the_catalogue_lacks(session):
    typed = make_listing(make_org("club"), "Thứ gì đó lạ").product
    with pytest.raises(ValidationError):
        catalogue.map_name(session, typed, "một thứ khác cũng lạ")


def test_adopting_makes_a_catalogue_product(session, backend):
    listing = make_listing(make_org("club"), "Ốc bươu đen")
    adopted = catalogue.adopt_name(session, listing.product, catalogue.Adoption(
        name_vi="Ốc bươu đen", name_en="Black apple snail", category="aquatic", synonyms="ốc đen"))
    session.commit()
    assert adopted.in_catalogue and adopted.slug == "oc-buou-den" and adopted.category_code == "aquatic"
    assert find_product(session, "oc den") == adopted
    synced(session, backend)
    assert search.check(session, backend).clean


def test_mapping_a_unit(session):
    listing = make_listing(make_org("club"), "xoài", unit="bịch")
    assert catalogue.map_unit(session, "bịch", "túi") == "túi"
    session.commit()
    assert session.get(Listing, listing.id).unit == "túi"
    with pytest.raises(ValidationError):
        catalogue.map_unit(session, "túi", "cái gì đó")


def test_the_staff_page_maps_a_name(app, client, session):
    staff = make_user("staff")
    listing = make_listing(make_org("club"), "Soài cát chu")
    typed_id = listing.product_id
    login(client, staff)
    page = client.get("/staff/catalogue")
    assert page.status_code == 200 and "Soài cát chu" in page.get_data(as_text=True)
    token = csrf_token(client)
    empty = client.post(f"/staff/catalogue/names/{typed_id}/map",
                        data={"csrf_token": token, f"map{typed_id}-csrf_token": token, f"map{typed_id}-phrase": ""})
    assert empty.status_code == 422
    wrong = client.post(f"/staff/catalogue/names/{typed_id}/map",
                        data={f"map{typed_id}-csrf_token": token, f"map{typed_id}-phrase": "không có gì"})
    assert wrong.status_code == 422
    done = client.post(f"/staff/catalogue/names/{typed_id}/map",
                       data={f"map{typed_id}-csrf_token": token, f"map{typed_id}-phrase": "xoai cat chu"})
    assert done.status_code == 302
    session.expire_all()
    assert session.get(Listing, listing.id).product.slug == "xoai"
    assert client.post(f"/staff/catalogue/names/{typed_id}/map").status_code in (400, 404)


def test_the_listing_page_says_what_was_typed(client, session):
    mapped = make_listing(make_org("club"), "xoai cat chu loai 1")
    typed = make_listing(make_org("club"), "Mứt sen non Tháp Mười")
    page = client.get(f"/listings/{mapped.id}").get_data(as_text=True)
    assert "xoai cat chu loai 1" in page
    page = client.get(f"/listings/{typed.id}").get_data(as_text=True)
    assert "chưa có trong danh mục" in page


def test_the_listing_form_takes_a_product_the_catalogue_lacks(client, session):
    chair = make_user("seller", make_org("club"))
    login(client, chair)
    today = TODAY.strftime("%d/%m/%Y")
    response = client.post("/listings/new", data={
        "csrf_token": csrf_token(client), "product": "Bánh tráng sữa Phú Hựu", "variety": "", "quantity": "300",
        "unit": "túi", "price_vnd": "25k", "available_from": today, "available_to": today, "publish": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    listing = session.scalar(select(Listing).where(Listing.product_text == "Bánh tráng sữa Phú Hựu"))
    assert listing.product.in_catalogue is False and listing.unit == "túi" and listing.status == "published"


def test_the_product_field_suggests_names_without_accents(client, session):
    chair = make_user("seller", make_org("club"))
    login(client, chair)
    page = client.get("/listings/new").get_data(as_text=True)
    assert '<option value="Xoài cát Chu" label="xoai cat chu">' in page


def test_varieties_the_taxonomy_dropped_are_retired_and_their_records_reread(session):
    """An older database: "hạt sen tươi" was a variety of sen before lotus foods had products."""
    from marketplace.products.models import Variety

    lotus = session.scalar(select(Product).where(Product.slug == "sen"))
    old = Variety(slug="hat-sen-tuoi", name="hạt sen tươi", synonyms="")
    lotus.varieties.append(old)
    session.flush()
    listing = make_listing(make_org("club"), "sen")
    listing.variety_id = old.id
    session.commit()
    assert catalogue.retire_obsolete_varieties(session) == 1
    session.commit()
    moved = session.get(Listing, listing.id)
    assert moved.product.slug == "hat-sen-tuoi" and moved.variety is None
    assert session.get(Variety, old.id) is None
    assert catalogue.retire_obsolete_varieties(session) == 0
