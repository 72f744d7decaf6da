"""The tolerant multipart parser (marketplace/oversize.py): what fits is kept, what does not is
named, and the body is read to its end instead of raising 413."""

from __future__ import annotations

import io

from flask import Flask, request
from werkzeug.datastructures import FileStorage
from werkzeug.test import EnvironBuilder

from marketplace.oversize import FormLimits, Oversize, TolerantFormDataParser, tolerant
from marketplace.request_text import RequestWithoutNul

LIMITS = FormLimits(file_bytes=1000, max_files=2, body_bytes=100_000, field_bytes=50, text_bytes=80, max_parts=6)


def _parse(data: dict) -> tuple[dict, dict, Oversize]:
    environ = EnvironBuilder(method="POST", data=data, content_type="multipart/form-data").get_environ()
    oversize = Oversize()
    parser = TolerantFormDataParser(LIMITS, oversize, max_content_length=LIMITS.body_bytes)
    stream, form, files = parser.parse_from_environ(environ)
    assert stream.read() == b""  # read to its end: the browser gets an answer
    return form, files, oversize


def test_what_fits_is_kept_as_werkzeug_would():
    form, files, oversize = _parse({"product": "Xoài cát Chu", "photo": (io.BytesIO(b"x" * 900), "a.jpg")})
    assert form["product"] == "Xoài cát Chu"
    assert isinstance(files["photo"], FileStorage) and files["photo"].read() == b"x" * 900
    assert not oversize


def test_a_long_field_is_cut_and_named_and_text_in_all_is_bounded():
    form, _files, oversize = _parse({"description": "a" * 200, "product": "b" * 40, "grade": "c" * 10})
    assert form["description"] == "a" * 50
    assert form["product"] == "b" * 30  # 80 bytes of text in all
    assert form["grade"] == ""
    assert oversize.fields_cut == ["description", "product", "grade"]


def test_a_file_too_large_and_files_past_the_count_are_left_out_by_name():
    _form, files, oversize = _parse({"photos": [(io.BytesIO(b"x" * 1001), "big.jpg"), (io.BytesIO(b"ok"), "1.jpg"),
                                                (io.BytesIO(b"ok"), "2.jpg"), (io.BytesIO(b"ok"), "3.jpg")]})
    assert [f.filename for f in files.getlist("photos")] == ["1.jpg"]
    assert oversize.files_too_large == ["big.jpg"] and oversize.files_too_many == ["2.jpg", "3.jpg"]


def test_parts_past_the_limit_are_counted_not_kept():
    form, _files, oversize = _parse({f"f{n}": "x" for n in range(9)})
    assert len(form) == 6 and oversize.parts_left_out == 3


def test_only_a_marked_view_s_multipart_body_is_parsed_tolerantly():
    app = Flask(__name__)
    app.request_class = RequestWithoutNul
    app.config["MAX_CONTENT_LENGTH"] = 1000

    @app.post("/marked")
    @tolerant(LIMITS)
    def marked():
        return ""

    @app.post("/plain")
    def plain():
        return ""

    for path, content_type, expected in [("/marked", "multipart/form-data", 100_000),
                                         ("/marked", "application/x-www-form-urlencoded", 1000),
                                         ("/plain", "multipart/form-data", 1000)]:
        with app.test_request_context(path, method="POST", content_type=content_type):
            assert request.max_content_length == expected, (path, content_type)
