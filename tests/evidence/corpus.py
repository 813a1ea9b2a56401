"""The bad-file corpus (and a few good files), generated here: nothing binary is committed.

Each builder returns bytes. `CASES` maps a case name to (builder, expected) where expected
is None for a file the checker accepts, or the set of reason codes it may refuse it with
(a file with a launch action inside an OpenAction is refused for either, and both are right).
The benchmark (bench/evidence_bench.py) uses the same builders.
"""

from __future__ import annotations

import io
import random
import zipfile
import zlib

from PIL import Image
from pypdf import PdfWriter
from pypdf.generic import (
    ArrayObject,
    DecodedStreamObject,
    DictionaryObject,
    NameObject,
    NumberObject,
    TextStringObject,
)

BUDGET = 2_097_152


def _write(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _page_text(writer: PdfWriter, page, text: bytes) -> None:
    stream = DecodedStreamObject()
    stream.set_data(text)
    page[NameObject("/Contents")] = writer._add_object(stream.flate_encode())


def valid_pdf(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for number in range(pages):
        page = writer.add_blank_page(595, 842)
        _page_text(writer, page, b"BT /F1 12 Tf 72 770 Td (page %d) Tj ET" % (number + 1))
    return _write(writer)


def _drawing(rng: random.Random, lines: int) -> bytes:
    return b"\n".join(
        b"%d %d %d %d re f" % (rng.randrange(595), rng.randrange(842), rng.randrange(1, 60), rng.randrange(1, 60))
        for _ in range(lines)
    )


def valid_pdf_sized(*, pages: int = 100, size: int = BUDGET - 4096, seed: int = 2566) -> bytes:
    """A valid PDF of `pages` pages a little under `size` bytes, pages full of drawing
    operators that compress about as badly as a scanned report's pages would."""
    rng = random.Random(seed)
    sample = _drawing(rng, 2000)
    bytes_per_line = len(zlib.compress(sample)) / 2000
    per_page = (size - 1500 - 150 * pages) / pages
    lines = max(1, int(per_page / bytes_per_line * 0.97))
    writer = PdfWriter()
    for _ in range(pages):
        page = writer.add_blank_page(595, 842)
        _page_text(writer, page, _drawing(rng, lines))
    data = _write(writer)
    assert len(data) <= size, (len(data), size)
    return data


def padded_to(data: bytes, size: int) -> bytes:
    """Pad a PDF with whitespace after %%EOF (allowed) to exactly `size` bytes."""
    assert len(data) <= size, (len(data), size)
    return data + b"\n" * (size - len(data))


def exactly_budget() -> bytes:
    return padded_to(valid_pdf_sized(pages=5, size=BUDGET - 8192), BUDGET)


def one_byte_over() -> bytes:
    return padded_to(valid_pdf_sized(pages=5, size=BUDGET - 8192), BUDGET + 1)


def encrypted_user_password() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    return _write(writer)


def encrypted_owner_only() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    writer.encrypt(user_password="", owner_password="owner", algorithm="RC4-128")
    return _write(writer)


def javascript_open_action() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x')")}
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)
    return _write(writer)


def javascript_name_tree() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    action = DictionaryObject(
        {NameObject("/S"): NameObject("/JavaScript"), NameObject("/JS"): TextStringObject("app.alert('x')")}
    )
    names = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("startup"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): writer._add_object(names)})
    return _write(writer)


def launch_action() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)]),
            NameObject("/A"): DictionaryObject(
                {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
            ),
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    return _write(writer)


def page_action() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {
            NameObject("/O"): DictionaryObject(
                {NameObject("/S"): NameObject("/URI"), NameObject("/URI"): TextStringObject("https://example.invalid/")}
            )
        }
    )
    return _write(writer)


def embedded_file() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(valid_pdf()))
    writer.add_attachment("payload.exe", b"MZ" + b"\0" * 64)
    return _write(writer)


# --- Hand-built files: a tiny writer that computes the cross-reference table ------------------


def raw_pdf(objects: list[bytes], *, root: int = 1, xref_shift: int = 0, extra_trailer: bytes = b"") -> bytes:
    """objects[i] is the body of object i+1. Offsets are exact unless xref_shift says otherwise."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % (offset + xref_shift)
    out += b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        extra_trailer,
        xref_at,
    )
    return bytes(out)


CONTENT = b"<< /Length 12 >>\nstream\nBT ET q Q \nendstream"


def raw_valid() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            CONTENT,
        ]
    )


def _stream(data: bytes, filters: bytes) -> bytes:
    return b"<< /Length %d /Filter %s >>\nstream\n" % (len(data), filters) + data + b"\nendstream"


def _one_page_with_contents(contents: bytes) -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            contents,
        ]
    )


def flate_bomb() -> bytes:
    # 200 MB of zeros, about 200 KB compressed.
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    data = b"".join(compressor.compress(block) for _ in range(200)) + compressor.flush()
    return _one_page_with_contents(_stream(data, b"/FlateDecode"))


def nested_flate_bomb() -> bytes:
    compressor = zlib.compressobj(9)
    block = b"\0" * (1 << 20)
    inner = b"".join(compressor.compress(block) for _ in range(400)) + compressor.flush()
    return _one_page_with_contents(_stream(zlib.compress(inner, 9), b"[/FlateDecode /FlateDecode]"))


def cyclic_page_tree() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Pages /Parent 2 0 R /Kids [2 0 R] /Count 1 >>",
        ]
    )


def deep_nesting() -> bytes:
    depth = 50_000
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Deep 5 0 R >>",
            CONTENT,
            b"[" * depth + b"]" * depth,
        ]
    )


def lying_page_count() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 250 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            CONTENT,
        ]
    )


def zero_pages() -> bytes:
    return raw_pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"])


def truncated() -> bytes:
    data = valid_pdf(pages=3)
    return data[: len(data) * 2 // 3]


def broken_xref() -> bytes:
    return raw_pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
            CONTENT,
        ],
        xref_shift=7,
    )


def garbage_tail() -> bytes:
    return valid_pdf() + b"this is not part of any PDF update\n"


def pdf_zip_polyglot() -> bytes:
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("evil.html", "<script>alert(1)</script>")
    return valid_pdf() + archive.getvalue()


def html_before_pdf() -> bytes:
    return b"<html><body><script>alert(document.cookie)</script></body></html>\n" + valid_pdf()


def png_bytes(size=(64, 48), color=(200, 30, 30)) -> bytes:

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(1200, 900), *, noisy: bool = False) -> bytes:

    if noisy:
        image = Image.frombytes("RGB", size, random.Random(7).randbytes(size[0] * size[1] * 3))
    else:
        image = Image.linear_gradient("L").resize(size).convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=92)
    return out.getvalue()


def exe_bytes() -> bytes:
    return (
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00"
        + b"\0" * 48
        + b"This program cannot be run in DOS mode."
    )


def header_only() -> bytes:
    return b"%PDF-1.7\n"


def zero_bytes() -> bytes:
    return b""


# Accepted, with this active content removed from the copy that is served.
DISARMED = {
    "javascript_open_action": ["javascript"],
    "javascript_name_tree": ["javascript"],
    "launch_action": ["launch"],
    "page_action": ["page_action"],
    "embedded_file": ["embedded_file"],
    "garbage_tail": ["tail"],
    "pdf_zip_polyglot": ["tail"],
}

# What the checker in the child process decides. Upload-time refusals (type, budget, empty)
# are listed in UPLOAD_CASES below; they never reach the checker.
CASES = {
    "valid": (valid_pdf, None),
    "valid_raw": (raw_valid, None),
    "exactly_budget": (exactly_budget, None),
    "encrypted_user_password": (encrypted_user_password, {"encrypted"}),
    "encrypted_owner_only": (encrypted_owner_only, {"encrypted"}),
    "javascript_open_action": (javascript_open_action, None),
    "javascript_name_tree": (javascript_name_tree, None),
    "launch_action": (launch_action, None),
    "page_action": (page_action, None),
    "embedded_file": (embedded_file, None),
    "flate_bomb": (flate_bomb, {"bomb"}),
    "nested_flate_bomb": (nested_flate_bomb, {"bomb"}),
    "cyclic_page_tree": (cyclic_page_tree, {"broken", "too_deep", "no_pages"}),
    # Viewers open these (a nesting qpdf reads lazily; a cross-reference table qpdf rebuilds).
    "deep_nesting": (deep_nesting, None),
    "broken_xref": (broken_xref, None),
    "lying_page_count": (lying_page_count, {"broken"}),
    "zero_pages": (zero_pages, {"no_pages"}),
    "truncated": (truncated, {"broken"}),
    # Accepted without what follows %%EOF (the disarmed copy is what is served).
    "garbage_tail": (garbage_tail, None),
    "pdf_zip_polyglot": (pdf_zip_polyglot, None),
    "html_before_pdf": (html_before_pdf, {"not_pdf"}),
    "png_renamed": (png_bytes, {"not_pdf"}),
    "exe_renamed": (exe_bytes, {"not_pdf"}),
    "header_only": (header_only, {"broken"}),
    "zero_bytes": (zero_bytes, {"empty"}),
}
