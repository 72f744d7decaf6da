"""Labels translated once per process and language (marketplace/i18n.py, issue #21): each page
still gets the labels of its own language, a mail rendered in its reader's language within a
request gets theirs, and placeholders, plurals and escaping behave as Jinja's gettext did."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale

from tests.clients import text_of


def test_each_language_gets_its_own_labels_from_the_cache(client):
    for _ in range(2):  # the second round is answered from the cache
        assert "Tìm kiếm" in text_of(client.get("/?lang=vi"))
        english = text_of(client.get("/?lang=en"))
        assert "Search" in english and "Tìm kiếm" not in english


def test_a_render_in_another_language_within_a_request_gets_that_language(app):
    with app.test_request_context("/?lang=vi"):
        assert render_template_string("{{ _('Search') }}") == "Tìm kiếm"
        with force_locale("en"):
            assert render_template_string("{{ _('Search') }}") == "Search"
        assert render_template_string("{{ _('Search') }}") == "Tìm kiếm"


def test_placeholders_plurals_and_escaping_are_as_before(app):
    with app.test_request_context("/?lang=en"):
        html = render_template_string(
            "{{ ngettext('%(num)d activity held in the last 12 months.',"
            " '%(num)d activities held in the last 12 months.', n) }}|{{ _('Search') }} {{ '<b>' }}",
            n=1)
        assert html == "1 activity held in the last 12 months.|Search &lt;b&gt;"
        several = render_template_string(
            "{{ ngettext('%(num)d activity held in the last 12 months.',"
            " '%(num)d activities held in the last 12 months.', 3) }}")
        assert several == "3 activities held in the last 12 months."
    with app.test_request_context("/?lang=vi"):
        assert render_template_string(
            "{{ ngettext('%(num)d activity held in the last 12 months.',"
            " '%(num)d activities held in the last 12 months.', 3) }}") == "3 hoạt động trong 12 tháng qua."
