"""The open catalogue end to end: names and units the catalogue lacks are kept as typed,
searchable and matchable at once, queued for staff, and mapping re-links every record."""

from __future__ import annotations

import re

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
from tests.clients import csrf_token, login
from tests.factories import make_demand, make_listing, make_org, make_user


@pytest.fixture
def backend(tmp_path) -> WhooshBackend:
    return WhooshBackend(tmp_path / "index")


def synced(session, backend) -> WhooshBackend:
    search.sync(session, backend, commit=session.commit)
    return backend


def found(backend, q: str) -> set[str]:
    request, problems = read_request({"q": q})
    assert problems == {}
    return {hit.doc_id for hit in backend.search(request, today_in_vietnam()).hits}


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
    matches = matching.matches_for_demand(session, request.id, today_in_vietnam())
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
    matches = matching.matches_for_demand(session, request.id, today_in_vietnam())
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
    make_listing(make_org("club"), "xoài", unit="lố")
    with pytest.raises(ValidationError):
        catalogue.map_unit(session, "lố", "cái gì đó")


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
    today = today_in_vietnam().strftime("%d/%m/%Y")
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


def test_a_lot_of_a_retired_variety_keeps_its_product_and_words(session):
    """Lots (and chains) name varieties too: retiring one must not fail on them."""
    from marketplace.products.models import Variety
    from marketplace.traceability.models import Lot

    lotus = session.scalar(select(Product).where(Product.slug == "sen"))
    old = Variety(slug="hat-sen-tuoi", name="hạt sen tươi", synonyms="")
    lotus.varieties.append(old)
    session.flush()
    club = make_org("club")
    lot = Lot(code="SEN-01", organization_id=club.id, product_id=lotus.id, variety_id=old.id,
              variety_text="hạt sen tươi", quantity=10, unit="kg")
    session.add(lot)
    session.commit()
    assert catalogue.retire_obsolete_varieties(session) == 1
    session.commit()
    kept = session.get(Lot, lot.id)
    assert (kept.product_id, kept.variety_id, kept.variety_text) == (lotus.id, None, "hạt sen tươi")


def test_names_kept_as_typed_stay_off_the_public_catalogue_and_suggestions(client, session):
    make_listing(make_org("club"), "Bánh tráng sữa Phú Hựu")
    page = client.get("/products").get_data(as_text=True)
    assert "Bánh tráng sữa Phú Hựu" not in page and "Xoài" in page


def test_a_mapping_survives_reloading_the_taxonomy(session):
    from marketplace.products.services import load_taxonomy

    typed = make_listing(make_org("club"), "Trái cà na Tháp Mười").product
    catalogue.map_name(session, typed, "xoài")  # whatever the target: the alias must stay
    session.commit()
    load_taxonomy(session)
    session.commit()
    assert find_product(session, "Trái cà na Tháp Mười").slug == "xoai"


def test_a_one_word_name_mapped_to_a_variety_reads_alone_next_time(session):
    typed = make_listing(make_org("club"), "Kieulan").product
    catalogue.map_name(session, typed, "nhãn Ido")
    session.commit()
    choice = choose_product(session, "kieulan")
    assert choice.product.slug == "nhan" and choice.variety.name == "Ido"


def test_a_generic_word_mapped_does_not_become_a_synonym(session):
    typed = make_listing(make_org("club"), "Cá").product
    other = make_listing(make_org("club"), "Cá bống tượng")
    assert other.product_id != typed.id  # a name kept as typed answers to itself only
    catalogue.map_name(session, typed, "cá tra")
    session.commit()
    assert session.get(Listing, other.id).product.name_vi == "Cá bống tượng"
    assert choose_product(session, "cá bống tượng").product is not None
    assert choose_product(session, "cá bống tượng").product.slug != "ca-tra"


def test_adopting_a_name_another_product_answers_to_is_refused(session):
    typed = make_listing(make_org("club"), "Bánh tráng sữa Phú Hựu").product
    assert typed.in_catalogue is False
    with pytest.raises(ValidationError):
        catalogue.adopt_name(session, typed, catalogue.Adoption(name_vi="Khóm", name_en="", category="fruit"))


def test_a_known_unit_is_never_rewritten(session):
    from marketplace.errors import NotFound

    make_listing(make_org("club"), "xoài", unit="kg")
    with pytest.raises(NotFound):
        catalogue.map_unit(session, "kg", "tấn")


def test_names_nothing_uses_leave_the_queue(session):
    listing = make_listing(make_org("club"), "Bánh tráng sữa Phú Hựu", publish=False)
    assert "Bánh tráng sữa Phú Hựu" in {n.product.name_vi for n in catalogue.typed_names(session)}
    session.delete(listing)
    session.commit()
    assert "Bánh tráng sữa Phú Hựu" not in {n.product.name_vi for n in catalogue.typed_names(session)}


@pytest.mark.parametrize("typed", ["!!!", "🍋🍋", "-"])
def test_a_product_without_a_letter_is_refused(session, typed):
    with pytest.raises(ValidationError) as error:
        make_listing(make_org("club"), typed)
    assert "product" in error.value.fields


def test_control_characters_are_not_stored(session):
    listing = make_listing(make_org("club"), "Bánh\x00 tráng\x07 sữa")
    assert listing.product.name_vi == "Bánh tráng sữa" and listing.product_text == "Bánh tráng sữa"


def test_an_imported_pack_unit_survives_editing_on_the_web(client, session):
    club = make_org("club")
    chair = make_user("seller", club)
    listing = make_listing(club, "nhãn Ido", unit="thùng 10 kg")
    login(client, chair)
    page = client.get(f"/listings/{listing.id}/edit").get_data(as_text=True)
    assert re.search(r'<option (selected )?value="thùng 10 kg"( selected)?>', page)
    assert re.search(r'<option selected value="thùng 10 kg">|<option value="thùng 10 kg" selected>', page)
    today = today_in_vietnam().strftime("%d/%m/%Y")
    response = client.post(f"/listings/{listing.id}/edit", data={
        "csrf_token": csrf_token(client), "product": "nhãn Ido", "quantity": "50", "unit": "thùng 10 kg",
        "price_vnd": "250k", "available_from": today, "available_to": today})
    assert response.status_code == 302, response.get_data(as_text=True)[:3000]
    session.expire_all()
    assert session.get(Listing, listing.id).unit == "thùng 10 kg"
