"""PDF documents made up for upload tests: small, valid, with as many pages as asked."""

from __future__ import annotations

import zlib


def pdf_document(pages: int = 1, *, object_stream: bool = False) -> bytes:
    """A valid PDF of blank A4 pages. With object_stream the page objects are compressed in an
    object stream, as PDF 1.5 writers (phone scanner apps) keep them, invisible to a plain search."""
    kids = " ".join(f"{3 + n} 0 R" for n in range(pages))
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>"
    body = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode()]
    if object_stream:
        numbers = " ".join(f"{3 + n} {n * (len(page) + 1)}" for n in range(pages)).encode() + b" "
        data = zlib.compress(numbers + b" ".join([page] * pages))
        body.append(f"<< /Type /ObjStm /N {pages} /First {len(numbers)} /Filter /FlateDecode /Length {len(data)} >>\n"
                    .encode() + b"stream\n" + data + b"\nendstream")
    else:
        body.extend([page] * pages)
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, content in enumerate(body, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + content + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(body) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(body) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
