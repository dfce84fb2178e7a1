"""Files that are small on disk and huge once opened, generated on the fly."""
from __future__ import annotations

import functools
import io
import struct
import zlib


def _pdf(objects: list[bytes], root: int = 1) -> bytes:
    """A PDF body of numbered objects with a trailer (no xref: readers rebuild it, as they do for such files)."""
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n")
    for number, body in enumerate(objects, start=1):
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    out.write(b"trailer\n<< /Root %d 0 R /Size %d >>\n%%%%EOF\n" % (root, len(objects) + 1))
    return out.getvalue()


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    return b"<< /Length %d /Filter /FlateDecode %s>>\nstream\n" % (len(data), extra) + data + b"\nendstream"


def many_pages(count: int = 600) -> bytes:
    """A valid PDF with `count` blank pages, written by pypdf."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=200, height=200)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def lying_page_count() -> bytes:
    """One page whose page tree claims a billion: viewers that trust /Count allocate for it."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1000000000 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"])


@functools.cache
def inflation_bomb(inflated_mb: int = 300) -> bytes:
    """One page whose content stream inflates from ~300 KB to `inflated_mb` MB of zeros."""
    compressor = zlib.compressobj(9)
    block = b"\0" * (1024 * 1024)
    data = b"".join(compressor.compress(block) for _ in range(inflated_mb)) + compressor.flush()
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                 _stream(data)])


def deep_nesting(depth: int = 5000) -> bytes:
    """A dictionary nested thousands deep: recursive parsers run out of stack."""
    nested = b"<< /A " * depth + b"1" + b" >>" * depth
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R /Bomb 4 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                 nested])


def many_objects(count: int = 60_000) -> bytes:
    """Tens of thousands of objects: each costs the reader memory and time."""
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"] + [b"null"] * count)


def pages_hidden_in_object_stream(count: int = 600) -> bytes:
    """Page objects packed inside a compressed object stream, where a scan of the raw bytes does not see them."""
    bodies = [b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>" for _ in range(count)]
    offsets, body, position = [], b"", 0
    for number, item in enumerate(bodies, start=10):
        offsets.append(b"%d %d" % (number, position))
        body += item + b" "
        position += len(item) + 1
    header = b" ".join(offsets) + b" "
    packed = zlib.compress(header + body)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>",
                 _stream(packed, b"/Type /ObjStm /N %d /First %d " % (count, len(header)))])


def small_pdf(pages: int = 3) -> bytes:
    """An ordinary PDF of a few pages (must be accepted)."""
    return many_pages(pages)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def huge_png(width: int = 30_000, height: int = 30_000) -> bytes:
    """A PNG whose header declares width x height pixels; its data is a few hundred bytes."""
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\0" * 1024)
    return b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", ihdr) + _png_chunk(b"IDAT", idat) + _png_chunk(b"IEND", b"")


def huge_jpeg(width: int = 60_000, height: int = 60_000) -> bytes:
    """A real small JPEG whose frame header is patched to declare width x height pixels."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (16, 16), "white").save(out, "JPEG")
    data = bytearray(out.getvalue())
    sof = data.find(b"\xff\xc0")
    struct.pack_into(">HH", data, sof + 5, height, width)
    return bytes(data)


def normal_jpeg() -> bytes:
    """An ordinary photo-sized JPEG (must be accepted)."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (1200, 1600), "white").save(out, "JPEG")
    return out.getvalue()


# -- PDF syntax the first scan misread (pentest round 2) --------------------------------------


@functools.cache
def _zeros(inflated_mb: int) -> bytes:
    compressor = zlib.compressobj(9)
    block = b"\0" * (1024 * 1024)
    return b"".join(compressor.compress(block) for _ in range(inflated_mb)) + compressor.flush()


def _one_page_with_contents(contents: bytes, *extra: bytes) -> bytes:
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>",
                 b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R >>",
                 contents, *extra])


def escaped_filter_name_bomb(inflated_mb: int = 300) -> bytes:
    """The inflation bomb with its filter written `/F#6cateDecode` (# escapes are legal in PDF names)."""
    data = _zeros(inflated_mb)
    return _one_page_with_contents(b"<< /Length %d /Filter /F#6cateDecode >>\nstream\n" % len(data)
                                   + data + b"\nendstream")


def escaped_filter_key_bomb(inflated_mb: int = 300) -> bytes:
    """The inflation bomb with its key written `/Filt#65r`."""
    data = _zeros(inflated_mb)
    return _one_page_with_contents(b"<< /Length %d /Filt#65r /FlateDecode >>\nstream\n" % len(data)
                                   + data + b"\nendstream")


def indirect_filter_bomb(inflated_mb: int = 300) -> bytes:
    """The inflation bomb whose `/Filter` is a reference (`5 0 R`) to the name /FlateDecode."""
    data = _zeros(inflated_mb)
    return _one_page_with_contents(b"<< /Length %d /Filter 5 0 R >>\nstream\n" % len(data) + data
                                   + b"\nendstream", b"/FlateDecode")


def hex_wrapped_bomb(inflated_mb: int = 300) -> bytes:
    """The inflation bomb hex-encoded first (`[/ASCIIHexDecode /FlateDecode]`): raw bytes are not Flate."""
    data = _zeros(inflated_mb).hex().encode() + b">"
    return _one_page_with_contents(b"<< /Length %d /Filter [/ASCIIHexDecode /FlateDecode] >>\nstream\n"
                                   % len(data) + data + b"\nendstream")


def escaped_page_type(count: int = 600) -> bytes:
    """`count` pages written `/Typ#65 /Pag#65`, under a page tree whose /Count says 1."""
    kids = b" ".join(b"%d 0 R" % n for n in range(3, 3 + count))
    pages = [b"<< /Typ#65 /Pag#65 /Parent 2 0 R /MediaBox [0 0 200 200] >>"] * count
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [%s] /Count 1 >>" % kids] + pages)


@functools.cache
def cpu_burn(inflated_mb: int = 4) -> bytes:
    """~15 KB whose object stream inflates to `inflated_mb` MB of runs of 60 nested openers.

    Harmless to a viewer (the stream's one indexed object is tiny), but the first scan ran its
    nesting regex over every inflated byte, seconds of CPU while holding the interpreter.
    """
    first = b"<< /Type /Metadata >>"
    header = b"10 0 "
    filler = (b"[ " * 60 + b") ") * (inflated_mb * 1024 * 1024 // 122)
    packed = zlib.compress(header + first + b" " + filler, 9)
    return _pdf([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                 b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
                 _stream(packed, b"/Type /ObjStm /N 1 /First %d " % len(header))])


def reportlab_pdf(pages: int = 2) -> bytes:
    """An ordinary ReportLab document with text and compressed content streams (must be accepted)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    sheet = canvas.Canvas(out, pagesize=A4, pageCompression=1)
    for number in range(pages):
        sheet.drawString(72, 760, f"Surat keterangan halaman {number + 1}")
        sheet.rect(72, 600, 200, 100)
        sheet.showPage()
    sheet.save()
    return out.getvalue()
