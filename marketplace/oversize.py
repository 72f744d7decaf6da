"""Forms too big to take are answered by the form, not by a bare "413" page (issue #16).

Werkzeug refuses a whole request when its body passes MAX_CONTENT_LENGTH, one text field passes
500 KB or it has more than 1000 parts: the person sees an error page and loses everything typed. A
view marked `@tolerant(FormLimits(...))` is parsed by `TolerantMultiPartParser` instead, which
reads the body to its end (so that the browser, still sending, gets an answer at all) and keeps what
fits: each text field cut at `field_bytes`, every file within `file_bytes` and `max_files`, at most
`max_parts` parts. What it left out is in `request_oversize()`, for the view to put into words
beside the fields while showing what was typed. Only a body above `body_bytes` (far beyond what
the form promises) is still refused with 413 before a byte is read.

Views not marked keep Werkzeug's limits unchanged: they would otherwise work on cut data unknowingly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from flask import Request, current_app, has_request_context, request
from werkzeug.datastructures import FileStorage
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.sansio.multipart import Data, Epilogue, Field, File, MultipartDecoder, NeedData

_VIEW_ATTRIBUTE = "tolerant_form_limits"


@dataclass(frozen=True)
class FormLimits:
    file_bytes: int  # one file; a larger one is left out
    max_files: int  # files past this many are left out
    body_bytes: int  # read at most this much; above it, 413 before reading
    field_bytes: int = 64 * 1024  # one text field is cut here (far above any form's max length)
    text_bytes: int = 1024 * 1024  # all text fields together
    max_parts: int = 1000


@dataclass
class Oversize:
    """What a tolerant parse left out."""

    fields_cut: list[str] = field(default_factory=list)  # names of text fields cut short
    files_too_large: list[str] = field(default_factory=list)  # file names (as sent) left out for size
    files_too_many: list[str] = field(default_factory=list)  # file names past max_files
    parts_left_out: int = 0

    def __bool__(self) -> bool:
        return bool(self.fields_cut or self.files_too_large or self.files_too_many or self.parts_left_out)


def tolerant(limits: FormLimits) -> Callable:
    """Mark a view whose form is parsed tolerantly (see the module's docstring)."""

    def mark(view: Callable) -> Callable:
        setattr(view, _VIEW_ATTRIBUTE, limits)
        return view

    return mark


def request_oversize() -> Oversize:
    """What this request's tolerant parse left out (nothing for other views)."""
    if not has_request_context():
        return Oversize()
    request.form  # noqa: B018 - parse first: the parse is what fills it
    return getattr(request, "_oversize", None) or Oversize()


class TolerantMultiPartParser(MultiPartParser):
    """Werkzeug's multipart parser loop, keeping what fits instead of raising 413."""

    def __init__(self, limits: FormLimits, oversize: Oversize, **kwargs: Any) -> None:
        super().__init__(max_form_memory_size=None, max_form_parts=None, **kwargs)
        self.limits = limits
        self.oversize = oversize

    def parse(self, stream: IO[bytes], boundary: bytes, content_length: int | None):
        limits, oversize = self.limits, self.oversize
        decoder = MultipartDecoder(boundary, max_form_memory_size=None, max_parts=None)
        fields: list[tuple[str, str]] = []
        files: list[tuple[str, FileStorage]] = []
        text_left = limits.text_bytes
        parts = named_files = 0
        part: Field | File | None = None
        keep = False
        size = 0
        chunks: list[bytes] = []
        container: IO[bytes] | None = None
        too_large = cut = False
        while True:
            data = stream.read(self.buffer_size)
            decoder.receive_data(data or None)
            event = decoder.next_event()
            while not isinstance(event, (Epilogue, NeedData)):
                if isinstance(event, (Field, File)):
                    part, size, chunks, container, too_large, cut = event, 0, [], None, False, False
                    parts += 1
                    keep = parts <= limits.max_parts
                    if not keep:
                        oversize.parts_left_out += 1
                    if isinstance(event, File) and event.filename and keep:
                        named_files += 1
                        if named_files > limits.max_files:
                            keep = False
                            oversize.files_too_many.append(event.filename)
                    if isinstance(event, File) and keep:
                        container = self.start_file_streaming(event, content_length)
                elif isinstance(event, Data) and part is not None:
                    if isinstance(part, Field):
                        if keep and not cut:
                            room = max(0, min(limits.field_bytes, text_left) - size)
                            if len(event.data) > room:  # keep what fits; the rest of the field goes
                                oversize.fields_cut.append(part.name)
                                cut = True
                            chunks.append(event.data[:room])
                            size += min(room, len(event.data))
                    else:
                        size += len(event.data)
                        if container is not None and size > limits.file_bytes:
                            container.close()
                            container, too_large = None, True
                            oversize.files_too_large.append(part.filename or "")
                        if container is not None:
                            container.write(event.data)
                    if not event.more_data:
                        if isinstance(part, Field):
                            if keep:
                                value = b"".join(chunks)
                                text_left -= len(value)
                                fields.append((part.name, value.decode(self.get_part_charset(part.headers),
                                                                       "replace")))
                        elif container is not None and not too_large:
                            container.seek(0)
                            files.append((part.name, FileStorage(container, part.filename, part.name,
                                                                 headers=part.headers)))
                        part = None
                event = decoder.next_event()
            if not data:
                break
        return self.cls(fields), self.cls(files)


class TolerantFormDataParser(FormDataParser):
    def __init__(self, limits: FormLimits, oversize: Oversize, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.limits = limits
        self.oversize = oversize

    def _parse_multipart(self, stream, mimetype, content_length, options):
        parser = TolerantMultiPartParser(self.limits, self.oversize, stream_factory=self.stream_factory,
                                         cls=self.cls)
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        form, files = parser.parse(stream, boundary, content_length)
        return stream, form, files


class TolerantFormRequest(Request):
    """The request class's part: a marked view's form is parsed tolerantly."""

    def _form_limits(self) -> FormLimits | None:
        """The marked view's limits, for a multipart body only: any other body keeps Werkzeug's
        limits (an urlencoded one is read whole into memory)."""
        endpoint = self.endpoint
        if not endpoint or not current_app or self.mimetype != "multipart/form-data":
            return None
        return getattr(current_app.view_functions.get(endpoint), _VIEW_ATTRIBUTE, None)

    @property
    def max_content_length(self) -> int | None:
        if self._max_content_length is None:
            limits = self._form_limits()
            if limits is not None:
                return limits.body_bytes
        return super().max_content_length

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value

    def make_form_data_parser(self) -> FormDataParser:
        limits = self._form_limits()
        if limits is None:
            return super().make_form_data_parser()
        self._oversize = Oversize()
        return TolerantFormDataParser(limits, self._oversize, stream_factory=self._get_file_stream,
                                      max_form_memory_size=limits.text_bytes,
                                      max_content_length=limits.body_bytes, cls=self.parameter_storage_class)
