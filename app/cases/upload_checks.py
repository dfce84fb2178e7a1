"""Refuse uploads that are small on disk but huge once opened: PDF bombs and image decompression bombs.

Runs on the stored file after its type was confirmed by content, before anyone opens it. The
PDF scan reads the raw bytes itself (no PDF library walks attacker-controlled structures): it
counts objects, reads declared page counts, measures nesting, and inflates every Flate stream
with a hard output budget, all under a time cap. Images are measured from their header only;
no pixel is decoded.
"""
from __future__ import annotations

import re
import time
import zlib
from dataclasses import dataclass
from pathlib import Path

from app.common.errors import PayloadTooLarge, ValidationFailed


@dataclass(frozen=True)
class Limits:
    """How big an upload may become once opened."""

    pdf_max_pages: int = 500
    pdf_max_objects: int = 50_000
    pdf_max_nesting: int = 64
    pdf_max_inflated_bytes: int = 256 * 1024 * 1024  # all streams together (scans with Flate images are big)
    pdf_seconds: float = 3.0
    image_max_pixels: int = 40_000_000  # e.g. 8000 x 5000, more than any phone camera
    image_max_side: int = 20_000


LIMITS = Limits()

_OBJ = re.compile(rb"(?<![0-9])[0-9]{1,10}\s+[0-9]{1,5}\s+obj\b")
_STREAM = re.compile(rb"stream\r?\n")
_COUNT = re.compile(rb"/Count\s+([0-9]{1,12})")
_PAGE = re.compile(rb"/Type\s*/Page(?![A-Za-z])")
_OBJSTM_N = re.compile(rb"/Type\s*/ObjStm\b.*?/N\s+([0-9]{1,12})|/N\s+([0-9]{1,12}).*?/Type\s*/ObjStm\b", re.S)
_FLATE = re.compile(rb"/(FlateDecode|Fl)(?![A-Za-z])")
_FILTER_CHAIN = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[A-Za-z0-9]+)")
_LENGTH = re.compile(rb"/Length\s+([0-9]{1,12})(?!\s+[0-9]+\s+R)")


def _refuse(message: str, *, too_large: bool = True):
    error = PayloadTooLarge if too_large else ValidationFailed
    return error(message, fields={"file": [message]})


class _Budget:
    """The time and inflation budget of one scan."""

    def __init__(self, limits: Limits):
        self.limits = limits
        self.deadline = time.monotonic() + limits.pdf_seconds
        self.inflated = 0

    def tick(self) -> None:
        if time.monotonic() > self.deadline:
            raise _refuse("Berkas PDF terlalu rumit untuk diperiksa. Simpan ulang sebagai PDF biasa "
                          "(mis. \"Print to PDF\") lalu unggah kembali.")


def _max_nesting(data: bytes, limit: int) -> int:
    """The deepest run of nested dictionaries/arrays, counted up to `limit` + 1."""
    # A run of openers with only whitespace, names or numbers between them is what deep nesting looks like.
    run = re.search(rb"(?:(?:<<|\[)(?:\s|/[A-Za-z0-9]++|[0-9.+-]++)*+){%d}" % (limit + 1), data)
    return limit + 1 if run else 0


def _inflate(raw: bytes, budget: _Budget, *, keep: bool) -> bytes | None:
    """Inflate one Flate stream within the remaining budget (keeping the bytes only when asked)."""
    limits = budget.limits
    inflater = zlib.decompressobj()
    out = bytearray()
    size = 0
    pending = raw
    try:
        while pending:
            room = limits.pdf_max_inflated_bytes - budget.inflated - size
            if room <= 0:
                raise _refuse("Isi berkas PDF terlalu besar setelah dibuka (kemungkinan \"PDF bomb\").")
            chunk = inflater.decompress(pending, min(room, 1024 * 1024) + 1)
            size += len(chunk)
            if keep:
                out += chunk
            pending = inflater.unconsumed_tail
            budget.tick()
            if not chunk and not pending:
                break
    except zlib.error:
        pass  # not valid Flate: a viewer will not inflate it either
    budget.inflated += size
    return bytes(out) if keep else None


def _streams(data: bytes, budget: _Budget):
    """(dictionary bytes, raw stream bytes) of each stream object in the file."""
    for match in _STREAM.finditer(data):
        budget.tick()
        start = match.end()
        dict_start = data.rfind(b"obj", max(0, match.start() - 4096), match.start())
        header = data[dict_start if dict_start >= 0 else max(0, match.start() - 4096):match.start()]
        length = _LENGTH.search(header)
        end = -1
        if length:
            declared = int(length.group(1))
            if data[start + declared:start + declared + 32].lstrip().startswith(b"endstream"):
                end = start + declared
        if end < 0:
            end = data.find(b"endstream", start)
        if end < 0:
            end = len(data)
        yield header, data[start:end]


def check_pdf(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse a PDF whose pages, objects, nesting or inflated streams exceed the limits (413/422)."""
    data = path.read_bytes()
    budget = _Budget(limits)
    objects = sum(1 for _ in _OBJ.finditer(data))
    if objects > limits.pdf_max_objects:
        raise _refuse(f"Berkas PDF memuat terlalu banyak objek (lebih dari {limits.pdf_max_objects}).")
    budget.tick()
    pieces = [data]
    for header, raw in _streams(data, budget):
        objstm = _OBJSTM_N.search(header)
        if objstm:
            objects += int(objstm.group(1) or objstm.group(2))
            if objects > limits.pdf_max_objects:
                raise _refuse(f"Berkas PDF memuat terlalu banyak objek (lebih dari {limits.pdf_max_objects}).")
        chain = _FILTER_CHAIN.search(header)
        if chain and _FLATE.search(chain.group(1)):
            inflated = _inflate(raw, budget, keep=bool(objstm))
            if inflated:
                pieces.append(inflated)  # objects packed in a stream: scanned like the file body
    for piece in pieces:
        budget.tick()
        declared = max((int(m.group(1)) for m in _COUNT.finditer(piece)), default=0)
        if declared > limits.pdf_max_pages:
            raise _refuse(f"Berkas PDF terlalu banyak halaman (maksimal {limits.pdf_max_pages}).")
        if _max_nesting(piece, limits.pdf_max_nesting) > limits.pdf_max_nesting:
            raise _refuse("Struktur berkas PDF bersarang terlalu dalam; berkas tidak dapat diterima.",
                          too_large=False)
    pages = sum(len(_PAGE.findall(piece)) for piece in pieces)
    if pages > limits.pdf_max_pages:
        raise _refuse(f"Berkas PDF terlalu banyak halaman (maksimal {limits.pdf_max_pages}).")


def check_image(path: Path, limits: Limits = LIMITS) -> None:
    """Refuse an image whose header declares more pixels than the limits (read without decoding)."""
    import warnings

    from PIL import Image

    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:  # lazy: reads the header, not the pixels
                width, height = image.size
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            width = height = None
        except (OSError, SyntaxError, ValueError) as exc:
            raise _refuse("Gambar rusak atau tidak dapat dibaca.", too_large=False) from exc
    if width is None or height is None or width > limits.image_max_side or height > limits.image_max_side \
            or width * height > limits.image_max_pixels:
        size = f" ({width} x {height} piksel)" if width else ""
        raise _refuse(f"Ukuran gambar terlalu besar{size}. Maksimal {limits.image_max_pixels // 1_000_000} megapiksel "
                      f"dan {limits.image_max_side} piksel per sisi; perkecil gambar lalu unggah kembali.")


def check(path: Path, content_type: str, limits: Limits = LIMITS) -> None:
    """Run the check for the file's (already confirmed) content type."""
    if content_type == "application/pdf":
        check_pdf(path, limits)
    elif content_type in ("image/png", "image/jpeg"):
        check_image(path, limits)
