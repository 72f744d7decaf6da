"""Which credentials a document says a listing or organisation holds, and until when."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import pytest

from marketplace.search.documents import FOREVER, credential_fields

END = date(2027, 6, 30)


def cert(cert_type="vietgap", *, status="active", expires_on=END, stars=None):
    return SimpleNamespace(type=cert_type, status=status, expires_on=expires_on, stars=stars)


def code(kind="growing_area", *, status="active", valid_until=END):
    return SimpleNamespace(kind=kind, status=status, valid_until=valid_until)


def test_an_active_certificate_counts_until_its_last_day():
    assert credential_fields([cert("vietgap"), cert("globalgap"), cert("organic")], []) == {
        "vietgap_until": END.toordinal(), "globalgap_until": END.toordinal(), "organic_until": END.toordinal()}


@pytest.mark.parametrize("status", ["pending", "suspended", "revoked", "expired"])
def test_only_active_credentials_count(status):
    assert credential_fields([cert(status=status), cert("ocop", status=status, stars=5)],
                             [code(status=status)]) == {}


def test_no_end_date_means_forever():
    fields = credential_fields([cert(expires_on=None)], [code(valid_until=None)])
    assert fields == {"vietgap_until": FOREVER, "code_until": FOREVER}


def test_the_latest_end_of_several_counts():
    fields = credential_fields([cert(expires_on=date(2026, 1, 1)), cert(expires_on=END),
                                cert(status="suspended", expires_on=date(2030, 1, 1))], [])
    assert fields == {"vietgap_until": END.toordinal()}


@pytest.mark.parametrize("stars, levels", [(5, (3, 4, 5)), (4, (3, 4)), (3, (3,)), (2, ()), (1, ()), (None, ())])
def test_ocop_stars_count_for_every_level_below(stars, levels):
    fields = credential_fields([cert("ocop", stars=stars)], [])
    assert fields == {f"ocop{level}_until": END.toordinal() for level in levels}


def test_the_best_ocop_rating_decides_each_level():
    later = date(2028, 1, 1)
    fields = credential_fields([cert("ocop", stars=3, expires_on=later), cert("ocop", stars=5)], [])
    assert fields == {"ocop3_until": later.toordinal(), "ocop4_until": END.toordinal(),
                      "ocop5_until": END.toordinal()}


def test_a_packing_house_code_alone_is_not_a_planting_code():
    assert credential_fields([], [code("packing_house")]) == {}
    assert credential_fields([], [code("packing_house"), code()]) == {"code_until": END.toordinal()}


def test_unknown_certificate_types_are_ignored():
    assert credential_fields([cert("iso9001")], []) == {}
