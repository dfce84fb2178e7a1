"""Measure a PDF in a throw-away child process: `python -I pdf_scan.py LIMITS_JSON < file.pdf`.

Run by `upload_checks.check_pdf`, never imported by the web process. Before it reads a byte of
the file the child caps its own CPU time (RLIMIT_CPU) and address space (RLIMIT_AS), lowers its
priority, and tightens pypdf's own limits; the parent kills it after a wall-clock timeout. The
file is parsed by pypdf (which understands name escapes such as `/F#6cateDecode`, indirect
`/Filter` values and object streams), every object is visited once, and every stream is decoded
with a byte budget: Flate chains are inflated in bounded chunks and only counted, never kept.
No regular expression runs over decoded data.

Prints one JSON line: {"verdict": "ok" | "pages" | "objects" | "nesting" | "inflated" |
"unreadable" | "encrypted", "report": {...}}. It imports nothing from the application.
"""
from __future__ import annotations

import json
import os
import re
import sys
import zlib

CHUNK = 256 * 1024
MAX_FILTERS = 16
FLATE = ("/FlateDecode", "/Fl")
# Decoders that pypdf runs fully in memory get at most this much output per stream.
MATERIALIZE_MAX = 64 * 1024 * 1024
_RAW_OBJ = re.compile(rb"(?<![0-9])[0-9]{1,10}[ \t\r\n\f\0]{1,8}[0-9]{1,5}[ \t\r\n\f\0]{1,8}obj\b")


class Refused(Exception):
    """The file exceeds a limit; `verdict` names which."""

    def __init__(self, verdict: str):
        super().__init__(verdict)
        self.verdict = verdict


def confine(limits: dict) -> None:
    """Cap this process's CPU seconds and address space and lower its priority."""
    import resource

    cpu = max(1, int(limits["cpu_seconds"] + 0.999))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    memory = int(limits["memory_bytes"])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    try:
        os.nice(10)  # the web workers' requests come first
    except OSError:
        pass


class Scan:
    """One pass over one PDF, counting against the limits."""

    def __init__(self, limits: dict):
        self.limits = limits
        import resource

        self.report = {"pid": os.getpid(), "cpu_limit": resource.getrlimit(resource.RLIMIT_CPU)[0],
                       "memory_limit": resource.getrlimit(resource.RLIMIT_AS)[0], "objects": 0, "pages": 0,
                       "declared_pages": 0, "max_nesting": 0, "inflated_bytes": 0, "streams": 0}

    # -- counting ---------------------------------------------------------------------------

    def add_inflated(self, amount: int) -> None:
        """Count decoded bytes; refuse once all streams together pass the budget."""
        self.report["inflated_bytes"] += amount
        if self.report["inflated_bytes"] > self.limits["max_inflated_bytes"]:
            raise Refused("inflated")

    def remaining(self) -> int:
        """Decoded bytes still allowed."""
        return self.limits["max_inflated_bytes"] - self.report["inflated_bytes"]

    # -- the walk ---------------------------------------------------------------------------

    def run(self, data: bytes) -> dict:
        """Measure the file; raise Refused at the first limit passed."""
        from pypdf import PdfReader
        from pypdf.errors import FileNotDecryptedError, PdfReadError

        raw_objects = sum(1 for _ in _RAW_OBJ.finditer(data))  # what a viewer rebuilding the xref finds
        self.count_objects(raw_objects)
        import io

        try:
            try:
                reader = PdfReader(io.BytesIO(data), strict=False)
            except PdfReadError:
                # No usable startxref: point it at 0 so pypdf rebuilds the xref from the objects, as viewers do.
                reader = PdfReader(io.BytesIO(data + b"\nstartxref\n0\n%%EOF\n"), strict=False)
        except RecursionError as exc:
            raise Refused("nesting") from exc
        except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as exc:
            raise Refused("unreadable") from exc
        if reader.is_encrypted:
            try:
                if not reader.decrypt(""):
                    raise Refused("encrypted")
            except (FileNotDecryptedError, PdfReadError, NotImplementedError, ValueError) as exc:
                raise Refused("encrypted") from exc
        body = [(number, generation) for generation, table in reader.xref.items() for number in table]
        packed = [(number, 0) for number in reader.xref_objStm]
        self.report["objects"] = 0
        self.count_objects(max(raw_objects, len(body)) + len(packed))
        for number, generation in body + packed:  # object streams are decoded (and counted) before their members
            self.visit(reader, number, generation)
        if self.report["declared_pages"] > self.limits["max_pages"] or self.report["pages"] > self.limits["max_pages"]:
            raise Refused("pages")
        if not self.report["pages"] and not self.report["declared_pages"]:
            raise Refused("unreadable")  # no page at all: nothing a viewer could show
        return self.report

    def count_objects(self, count: int) -> None:
        """Record the object count; refuse above the limit."""
        self.report["objects"] = max(self.report["objects"], count)
        if count > self.limits["max_objects"]:
            raise Refused("objects")

    def visit(self, reader, number: int, generation: int) -> None:
        """Measure one object: nesting, page type, declared page count, stream size."""
        from pypdf.generic import DictionaryObject, IndirectObject, StreamObject

        try:
            obj = reader.get_object(IndirectObject(number, generation, reader))
        except RecursionError as exc:
            raise Refused("nesting") from exc
        except Exception:  # noqa: BLE001 - a broken object is skipped, as viewers skip it
            return
        self.measure_nesting(obj)
        if isinstance(obj, DictionaryObject):
            kind = _resolved(obj, "/Type")
            if kind == "/Page":
                self.report["pages"] += 1
                if self.report["pages"] > self.limits["max_pages"]:
                    raise Refused("pages")
            count = _resolved(obj, "/Count")
            if (kind == "/Pages" or "/Kids" in obj) and isinstance(count, int):
                self.report["declared_pages"] = max(self.report["declared_pages"], int(count))
                if count > self.limits["max_pages"]:
                    raise Refused("pages")
        if isinstance(obj, StreamObject):
            self.report["streams"] += 1
            self.measure_stream(obj)

    def measure_nesting(self, obj) -> None:
        """The depth of nested arrays/dictionaries in one object, walked without recursion."""
        from pypdf.generic import ArrayObject, DictionaryObject

        limit = self.limits["max_nesting"]
        stack = [(obj, 1)]
        deepest = 0
        while stack:
            item, depth = stack.pop()
            if isinstance(item, DictionaryObject):
                children = item.values()
            elif isinstance(item, ArrayObject):
                children = item
            else:
                continue
            deepest = max(deepest, depth)
            if deepest > limit:
                raise Refused("nesting")
            stack.extend((child, depth + 1) for child in children
                         if isinstance(child, (DictionaryObject, ArrayObject)))
        self.report["max_nesting"] = max(self.report["max_nesting"], deepest)

    def measure_stream(self, stream) -> None:
        """Count the decoded size of one stream within the remaining budget."""
        raw = stream._data or b""
        filters = _filters(stream)
        if not filters:
            return
        if len(filters) > MAX_FILTERS:
            raise Refused("inflated")
        if all(name in FLATE for name in filters):
            self.inflate_chain(raw, len(filters))
            return
        self.decode_with_pypdf(stream, len(raw))

    def inflate_chain(self, raw: bytes, stages: int) -> None:
        """Inflate one or more Flate stages in bounded chunks, counting every output byte, keeping none."""
        inflaters = [zlib.decompressobj() for _ in range(stages)]
        broken = [False] * stages

        def feed(level: int, chunk: bytes) -> None:
            if level == stages:
                return
            inflater = inflaters[level]
            pending = chunk
            while not broken[level]:
                try:  # at most one bounded chunk out per call; zlib keeps the rest of its work for the next
                    out = inflater.decompress(pending, min(CHUNK, max(self.remaining(), 0) + 1))
                except zlib.error:
                    broken[level] = True  # not valid Flate: a viewer stops here too
                    return
                self.add_inflated(len(out))
                pending = inflater.unconsumed_tail
                if not out and not pending:
                    return
                feed(level + 1, out)

        for start in range(0, len(raw), CHUNK):
            feed(0, raw[start:start + CHUNK])

    def decode_with_pypdf(self, stream, raw_size: int) -> None:
        """Other filters (hex, ASCII85, LZW, run-length, images): pypdf decodes them under its limits."""
        from pypdf import apply_configuration
        from pypdf.errors import LimitReachedError
        from pypdf.filters import decode_stream_data

        cap = max(1, min(self.remaining(), MATERIALIZE_MAX))
        try:
            with apply_configuration(zlib_maximum_output_length=cap, lzw_maximum_output_length=cap,
                                     run_length_maximum_output_length=cap, brotli_maximum_output_length=cap,
                                     array_based_stream_maximum_output_length=cap,
                                     stream_decoding_work_maximum_length=cap * 4):
                decoded = decode_stream_data(stream)
        except (LimitReachedError, MemoryError) as exc:
            raise Refused("inflated") from exc
        except Exception:  # noqa: BLE001 - an unsupported or broken filter: count what is stored
            decoded = None
        self.add_inflated(len(decoded) if isinstance(decoded, bytes | bytearray) else raw_size)


def _resolved(obj, key: str):
    try:
        value = obj.get(key)
        return value.get_object() if value is not None else None
    except Exception:  # noqa: BLE001 - a dangling reference reads as absent
        return None


def _filters(stream) -> list[str]:
    """The stream's filter names, escapes decoded and indirect references resolved."""
    from pypdf.generic import ArrayObject, NameObject

    value = _resolved(stream, "/Filter")
    items = value if isinstance(value, ArrayObject) else [value] if value is not None else []
    names = []
    for item in items:
        item = item.get_object() if hasattr(item, "get_object") else item
        names.append(str(item) if isinstance(item, NameObject) else "?")
    return names


def main() -> int:
    """Confine the process, read the PDF from stdin, print the verdict."""
    limits = json.loads(sys.argv[1])
    confine(limits)
    import logging
    import warnings

    logging.disable(logging.CRITICAL)
    warnings.simplefilter("ignore")
    from pypdf import overwrite_configuration

    overwrite_configuration(jbig2dec_binary=None, zlib_maximum_output_length=MATERIALIZE_MAX,
                            lzw_maximum_output_length=MATERIALIZE_MAX, disable_legacy_handling=True)
    data = sys.stdin.buffer.read(int(limits["max_file_bytes"]) + 1)
    scan = Scan(limits)
    try:
        scan.run(data)
        verdict = "ok"
    except Refused as refused:
        verdict = refused.verdict
    sys.stdout.write(json.dumps({"verdict": verdict, "report": scan.report}) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
