"""The browser scripts speak the page's language: their messages come from one translated catalog.

Every user-facing text of app/static/js goes through `spText(key, params)` (static/js/messages.js), whose
catalog (app/common/js_messages.py) base.html writes into the page. These tests catch an Indonesian text
written straight into a script, a key the catalog lacks, and a page that runs such a script without the catalog.
"""
from __future__ import annotations

import json
import re
from html import unescape
from pathlib import Path

import pytest

from app.common.js_messages import MESSAGES, SCRIPT_GROUPS, groups_of
from tests.support.pages import login

pytestmark = pytest.mark.one_database  # nothing here depends on the database

ROOT = Path(__file__).resolve().parents[2]
SCRIPTS = sorted((ROOT / "app" / "static" / "js").glob("*.js"))
TEMPLATES = ROOT / "app" / "templates"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
KEY_PREFIXES = sorted({key.split(".")[0] for key in MESSAGES})
KEY = re.compile(rf"^(?:{'|'.join(KEY_PREFIXES)})\.[a-z0-9_]+$")
SP_TEXT_KEY = re.compile(r"spText\(\s*(['\"])([^'\"]*)\1")

# Common Indonesian words of interface texts; none of them is also an English word found in code or CSS classes
# ("data", "model", "status", "diagram", "timer" and "editor" are left out on purpose).
INDONESIAN = frozenset("""
    ada agar akan akhir aksi aktif aktivasi analis atau awalan baris baru belum berisiko berkas berlaku bersama biaya
    bila dahulu dan dapat dari daftar di diakhiri diisi dikenal dikirim dilalui dimuat dipakai dipanggil disetujui
    disimpan disusun ditampilkan dibuka draf dengan ekspresi formulir gagal grafik halaman hari harus hasil ini instansi
    instruksi isi itu izin jalankan jalur jam jawaban jenis jika kategori kelompok kerja kirim kondisi koneksi kosong
    ke lagi lain lajur langkah layanan letak lulus masa masih meminta memeriksa menghentikan menjalankan menunggu
    menyimpan minta misalnya muat nama nomor notifikasi otomatis pada panas penampil penerima perlu permintaan
    permohonan pemohon periksa periode persetujuan persyaratan perubahan pesan petugas pratinjau prioritas proses
    pustaka registrasi sah sama sebelum selama selesai sesudah simpan sisa sistem skrip spasi sudah tabel tahun tanpa
    tata teknis templat terbaca terbatas terlambat terlebih terpasang terputus tersedia tersimpan tes tetap tidak
    tugas tuliskan tunggu ulang untuk versi yang
""".split())


def string_literals(source: str) -> list[str]:
    """The string literals of a script, skipping comments and regular expression literals."""
    found: list[str] = []
    i, n, previous = 0, len(source), ""
    while i < n:
        char = source[i]
        if source.startswith("//", i):
            end = source.find("\n", i)
            i = n if end < 0 else end
            continue
        if source.startswith("/*", i):
            i = source.index("*/", i) + 2
            continue
        if char in "'\"`":
            j, text = i + 1, []
            while source[j] != char:
                step = 2 if source[j] == "\\" else 1
                text.append(source[j:j + step])
                j += step
            found.append("".join(text))
            i, previous = j + 1, char
            continue
        if char == "/" and (previous == "" or previous in "(,=:[!&|?{};+-*%<>~^"):
            j, in_class = i + 1, False  # a regular expression literal, which may hold quotes
            while in_class or source[j] != "/":
                if source[j] == "\\":
                    j += 1
                elif source[j] == "[":
                    in_class = True
                elif source[j] == "]":
                    in_class = False
                j += 1
            i, previous = j + 1, "/"
            continue
        if not char.isspace():
            previous = char
        i += 1
    return found


def looks_indonesian(text: str) -> bool:
    """Words with a common Indonesian one among them (`'Model belum sah.'`, `'% terlambat'`), or one Indonesian
    word written as a label (`'Formulir'`, `'LULUS'`, `'Menyimpan…'`) or as a piece of a sentence built by
    concatenation (`'baris '`). Code (ids, classes, keys, MIME types) has no spaces and no Indonesian label."""
    stripped = text.strip()
    if KEY.match(stripped):
        return False
    if re.search(r"\s", stripped):
        return bool(INDONESIAN.intersection(re.findall(r"[^\W\d_]+", stripped.lower())))
    word = stripped.strip("….:;,!?()[]\"'")
    label = re.fullmatch(r"[A-Z][a-z]+|[A-Z]{2,}", word) or (word != text and re.fullmatch(r"[a-z]+", word))
    return bool(label) and word.lower() in INDONESIAN


def test_the_heuristic_catches_indonesian_and_spares_code():
    caught = ["Model tidak dapat dimuat.", "baris ", " · hasil akhir ", "Formulir", "LULUS", "Tugas ", "Menyimpan…",
              "% terlambat"]
    spared = ["status-line ", "meta chart-empty", "fit-viewport", "bpmn:Process", "waiting_applicant", "modeler.saved",
              "application/json", "Accept", "data-heatmap-source", "heat-canvas-", "Content-Type", "#0b4f8a"]
    assert [t for t in caught if not looks_indonesian(t)] == []
    assert [t for t in spared if looks_indonesian(t)] == []
    assert string_literals("var re = /\"(x)'/g; f('a b', \"c\") // 'not this'\n/* 'nor this' */ g(1 / 2, 'd')") == [
        "a b", "c", "d"]


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: p.name)
def test_no_script_writes_an_indonesian_text_itself(script):
    written = [t for t in string_literals(script.read_text(encoding="utf-8")) if looks_indonesian(t)]
    assert written == [], f"{script.name}: use spText(key) with the text in app/common/js_messages.py"


def _keys_in_scripts() -> dict[str, set[str]]:
    keys: dict[str, set[str]] = {}
    for script in SCRIPTS:
        source = script.read_text(encoding="utf-8")
        used = {t for t in string_literals(source) if KEY.match(t)}
        used |= {m.group(2) for m in SP_TEXT_KEY.finditer(source)}
        keys[script.name] = used
    return keys


def test_every_key_the_scripts_use_is_in_the_catalog_and_every_entry_is_used():
    keys = _keys_in_scripts()
    missing = {name: sorted(used - set(MESSAGES)) for name, used in keys.items() if used - set(MESSAGES)}
    assert missing == {}
    unused = set(MESSAGES) - set().union(*keys.values())
    assert unused == set()


def test_a_page_gets_the_messages_of_every_script_it_loads():
    # base.html writes the key groups of the scripts the page names (SCRIPT_GROUPS): a script speaking a key
    # outside its groups would show the bare key
    for name, used in _keys_in_scripts().items():
        if name == "messages.js" or not used:
            continue
        assert name in SCRIPT_GROUPS, f"{name}: add its key groups to SCRIPT_GROUPS"
        assert {key.split(".")[0] for key in used} <= set(SCRIPT_GROUPS[name]), name
    assert groups_of('<script src="/static/js/modeler.0123456789ab.js"></script>'
                     '<details data-chart-code="/static/js/dashboard.js">') == {"modeler", "charts"}
    assert groups_of('<script src="/static/vendor/chart.js/chart.umd.min.js"></script>') == set()


def test_catalog_entries_are_stable_keys_with_sources():
    for key, source in MESSAGES.items():
        assert KEY.match(key), key
        assert source.strip() == source and source, key
        assert "%" not in PLACEHOLDER.sub("", source), f"{key}: a bare % (pass it in a placeholder instead)"


def _catalog_of(html: str) -> dict | None:
    found = re.search(r"<meta name=\"sp-messages\" content='([^']*)'>", html)
    return json.loads(unescape(found.group(1))) if found else None


def test_a_page_carries_its_scripts_messages_in_its_language_before_any_script(client):
    html = client.get("/transparansi").get_data(as_text=True)  # loads dashboard.js when the charts are opened
    charts = {k: v for k, v in MESSAGES.items() if k.startswith("charts.")}
    assert _catalog_of(html) == charts  # Indonesian, the source language, by default
    head = html.split("</head>", 1)[0]
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert scripts and re.fullmatch(r"/static/js/messages\.[0-9a-f]{12}\.js", scripts[0])  # hashed, cached for good
    assert scripts[0] in head and head.index('name="sp-messages"') < head.index(scripts[0])
    assert client.get(scripts[0]).status_code == 200

    client.get("/bahasa/en")
    english = _catalog_of(client.get("/transparansi").get_data(as_text=True))
    assert english.keys() == charts.keys()
    for key, text in english.items():
        assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(MESSAGES[key])), key


def test_a_page_without_speaking_scripts_carries_no_catalog(client):
    html = client.get("/").get_data(as_text=True)
    assert _catalog_of(html) is None and "js/messages." not in html


def test_the_modeler_gets_the_messages_of_its_three_scripts(client):
    login(client, "analis@demo.local")
    catalog = _catalog_of(client.get("/analis/model/sip_apoteker").get_data(as_text=True))
    assert {key.split(".")[0] for key in catalog} == {"modeler", "props"}
    assert catalog["modeler.saved"] == "Versi %(version)s disimpan."


def test_a_page_outside_base_html_running_a_speaking_script_carries_the_catalog():
    speaking = {p.name for p in SCRIPTS if "spText(" in p.read_text(encoding="utf-8") and p.name != "messages.js"}
    for template in TEMPLATES.rglob("*.html"):
        text = template.read_text(encoding="utf-8")
        if "<html" not in text or (template.name == "base.html" and template.parent == TEMPLATES):
            continue
        loaded = set(re.findall(r"filename='js/([\w.-]+\.js)'", text))
        if loaded & speaking:
            assert 'name="sp-messages"' in text and "js/messages.js" in text, template
