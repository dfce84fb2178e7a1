"""JSON Schema forms to HTML and back: the forms of forms/ render accessibly and parse into valid data."""
from __future__ import annotations

import io
import json
import re
from pathlib import Path

import pytest
from markupsafe import escape
from werkzeug.datastructures import MultiDict

from app.jsonforms.parse import parse_form
from app.jsonforms.render import build_fields, render_form, render_values
from tests.support.data import load_form, requirements, sample_application

FORMS = Path(__file__).resolve().parents[2] / "forms"
STEP_FORMS = sorted(p.name.removesuffix(".schema.json") for p in FORMS.glob("*.schema.json"))
VERDICT_KEYS = {"document_verdicts": [{"key": r["key"], "label": r["label"]} for r in requirements() if r["required"]]}


@pytest.fixture(scope="module")
def ctx():
    """An application context for rendering templates (no database involved)."""
    from app import create_app
    from app.config import TestConfig

    application = create_app(TestConfig)
    with application.app_context():
        yield application


def _form(name: str) -> tuple[dict, dict]:
    return load_form(f"{name}.schema.json"), load_form(f"{name}.uischema.json")


def _as_form(data: dict, prefix: str = "") -> MultiDict:
    """What a browser submits for typed data."""
    form = MultiDict()
    for key, value in data.items():
        name = f"{prefix}.{key}" if prefix else key
        if isinstance(value, dict):
            for sub_name, sub_value in _as_form(value, name).items(multi=True):
                form.add(sub_name, sub_value)
        elif isinstance(value, list):
            for item in value:
                form.add(name, str(item))
        elif isinstance(value, bool):
            form.add(name, "true" if value else "false")
        else:
            form.add(name, str(value))
    return form


def test_the_application_form_renders_labels_help_placeholders_and_widgets(ctx):
    schema, ui = _form("sip_apoteker")
    html = str(render_form(schema, ui, {}))
    assert '<label for="f-nama_lengkap">Nama lengkap <span class="req">(wajib)</span></label>' in html
    assert 'aria-describedby="f-nik-help"' in html and "Nomor Induk Kependudukan 16 digit sesuai KTP." in html
    assert 'placeholder="16 digit sesuai KTP"' in html  # from the UI schema
    assert re.search(r'<textarea id="f-alamat" name="alamat" rows="3" placeholder="[^"]+" maxlength="500" required', html)
    assert 'type="date" id="f-tanggal_lahir"' in html
    assert '<select id="f-jenis_sarana" name="jenis_sarana" required' in html
    assert '<option value="instalasi_farmasi_rs">Instalasi Farmasi Rumah Sakit</option>' in html
    assert 'type="radio" name="sip_ke" id="f-sip_ke-2" value="2"' in html
    assert "<legend>Data STRA</legend>" in html  # the UI schema's steps become fieldsets


def test_placeholders_come_from_examples_when_the_ui_schema_has_none(ctx):
    schema, ui = _form("rekomendasi_teknis")
    ui = {"ui:order": ui["ui:order"]}
    html = str(render_form(schema, ui, {}))
    assert 'placeholder="Contoh: Apoteker wajib hadir pada jam buka apotek sesuai papan nama praktik."' in html


def test_fields_required_by_a_condition_carry_it_for_the_script(ctx):
    schema, ui = _form("sip_apoteker")
    root = build_fields(schema, ui)
    fields = {f.name: f for group in root.children for f in group.children}
    assert fields["nomor_sipa_sebelumnya"].show_when == [{"field": "sip_ke", "gt": 1}]
    assert fields["nama_lengkap"].show_when == []
    schema, ui = _form("verifikasi_berkas")
    html = str(render_form(schema, ui, {}, map_keys=VERDICT_KEYS))
    assert 'data-show-when="[{&#34;field&#34;:&#34;document_verdicts.stra.verdict&#34;,&#34;enum&#34;:[&#34;revise&#34;,&#34;reject&#34;]}]"' in html
    assert 'data-show-when="[{&#34;field&#34;:&#34;verification_outcome&#34;,&#34;enum&#34;:[&#34;revision&#34;,&#34;reject&#34;]}]"' in html
    hidden_ui = {**ui, "fields": {**ui["fields"], "verification_note": {"keepVisible": True}}}
    assert "verification_outcome&#34;,&#34;enum" not in str(render_form(schema, hidden_ui, {}, map_keys=VERDICT_KEYS))


def test_verdicts_are_rendered_once_per_requirement_of_the_case(ctx):
    schema, ui = _form("verifikasi_berkas")
    html = str(render_form(schema, ui, {}, map_keys=VERDICT_KEYS))
    for req in VERDICT_KEYS["document_verdicts"]:
        assert f'<legend>{req["label"]}</legend>' in html
        assert f'name="document_verdicts.{req["key"]}.verdict" id="f-document_verdicts--{req["key"]}--verdict-1" value="ok"' in html
    assert html.count('placeholder="Catatan untuk dokumen ini"') == len(VERDICT_KEYS["document_verdicts"])


def test_errors_are_shown_next_to_their_fields_and_summarised(ctx):
    schema, ui = _form("persetujuan")
    html = str(render_form(schema, ui, {"approval_decision": "reject"}, {"approval_note": ["Wajib diisi."]}))
    assert '<p class="field-error" id="f-approval_note-error">Wajib diisi.</p>' in html
    assert 'aria-describedby="f-approval_note-help f-approval_note-error" aria-invalid="true"' in html
    assert '<a href="#f-approval_note">Catatan</a>: Wajib diisi.' in html
    assert 'value="reject" checked' in html


@pytest.mark.parametrize("name", [n for n in STEP_FORMS if n not in ("perbaikan_berkas",)])
def test_every_form_parses_its_own_sample_back_into_the_same_valid_data(ctx, name):
    schema, ui = _form(name)
    if name == "sip_apoteker":
        data = sample_application()
    else:
        uploads = {k for k, f in (ui.get("fields") or {}).items() if f.get("widget") == "file"}
        data = {key: prop["examples"][0] for key, prop in schema["properties"].items()
                if prop.get("examples") and key != "document_verdicts" and key not in uploads}
    if "document_verdicts" in schema["properties"]:
        data["document_verdicts"] = {r["key"]: {"verdict": "ok"} for r in VERDICT_KEYS["document_verdicts"]}
        data["verification_outcome"] = "complete"
    parsed, errors = parse_form(schema, _as_form(data), ui_schema=ui, map_keys=VERDICT_KEYS)
    assert errors == {}
    assert parsed == data


def test_parsing_types_values_drops_empty_ones_and_reports_schema_errors_by_path(ctx):
    schema, ui = _form("sip_apoteker")
    form = _as_form({**sample_application(), "sip_ke": "2", "nomor_sipa_sebelumnya": "  ", "nama_lengkap": " Siti "})
    data, errors = parse_form(schema, form, ui_schema=ui)
    assert data["sip_ke"] == 2 and data["nama_lengkap"] == "Siti"
    assert "nomor_sipa_sebelumnya" not in data
    assert errors == {"nomor_sipa_sebelumnya": ["Wajib diisi."]}
    data, errors = parse_form(schema, MultiDict({"sip_ke": "dua"}), ui_schema=ui, partial=True)
    assert errors["sip_ke"][0] == "Pilihan tidak valid."


def test_verdict_entries_are_kept_for_every_requirement_so_a_missing_one_is_reported(ctx):
    schema, ui = _form("verifikasi_berkas")
    form = MultiDict({"verification_outcome": "revision", "verification_note": "Perbaiki STRA.",
                      "document_verdicts.stra.verdict": "revise", "document_verdicts.stra.note": "Buram.",
                      "csrf_token": "ignored", "document_verdicts.ktp.verdict": "ok"})
    data, errors = parse_form(schema, form, ui_schema=ui, map_keys=VERDICT_KEYS)
    assert data["document_verdicts"]["stra"] == {"verdict": "revise", "note": "Buram."}
    assert data["document_verdicts"]["ijazah"] == {}
    assert errors["document_verdicts.ijazah.verdict"] == ["Wajib diisi."]
    assert "csrf_token" not in data and "document_verdicts.ktp.verdict" not in errors


def test_a_free_object_takes_the_sub_form_it_is_given(ctx):
    schema, ui = _form("perbaikan_berkas")
    app_schema, app_ui = _form("sip_apoteker")
    subforms = {"application": {"schema": app_schema, "ui_schema": app_ui}}
    html = str(render_form(schema, ui, {"application": sample_application()}, subforms=subforms))
    assert 'name="application.nama_lengkap"' in html and 'value="apt. Siti Rahmawati, S.Farm."' in html
    form = _as_form({"application": {**sample_application(), "nik": "123"}, "response_note": "Sudah diperbaiki."})
    data, errors = parse_form(schema, form, ui_schema=ui, subforms=subforms)
    assert data["application"]["sip_ke"] == 1
    assert errors == {"application.nik": ["Format tidak sesuai."]}
    without = str(render_form(schema, ui, {"application": {"a": 1}}))
    assert 'name="application"' in without and str(escape(json.dumps({"a": 1}, indent=2))) in without


def test_values_are_shown_read_only_with_the_forms_titles(ctx):
    schema, ui = _form("sip_apoteker")
    data = {**sample_application(), "jenis_sarana": "puskesmas"}
    del data["nomor_sipa_sebelumnya"]
    html = str(render_values(schema, ui, data))
    assert "<dt>Jenis sarana praktik</dt>" in html and "<dd>Puskesmas</dd>" in html
    assert "<dt>Nomor SIPA sebelumnya</dt>" in html and "<dd>—</dd>" in html
    assert "<script" not in str(render_values(schema, ui, {"nama_lengkap": "<script>alert(1)</script>"}))


def test_an_upload_field_takes_the_value_its_store_returns_and_reports_refused_files(ctx):
    from werkzeug.datastructures import FileStorage

    from app.common.errors import UnsupportedMediaType

    schema = {"type": "object", "properties": {
        "scan": {"type": "object", "title": "Pindaian", "properties": {"document_id": {"type": "integer"},
                                                                       "filename": {"type": "string"}},
                 "required": ["document_id"]}}}
    ui = {"fields": {"scan": {"widget": "file", "accept": [".pdf"], "max_mb": 5}}}
    html = str(render_form(schema, ui, {"scan": {"document_id": 3, "filename": "lama.pdf"}}))
    assert '<input type="file" id="f-scan" name="scan" accept=".pdf"' in html and "Berkas saat ini: lama.pdf" in html
    stored = []

    def store(node, upload):
        if not upload.filename.endswith(".pdf"):
            raise UnsupportedMediaType(fields={"file": ["Jenis berkas tidak diizinkan."]})
        stored.append((node.name, node.attrs["accept"], upload.read()))
        return {"document_id": 7, "filename": upload.filename}

    files = MultiDict({"scan": FileStorage(io.BytesIO(b"%PDF-1.4"), filename="bap.pdf")})
    data, errors = parse_form(schema, MultiDict(), ui_schema=ui, files=files, store_file=store)
    assert (data, errors) == ({"scan": {"document_id": 7, "filename": "bap.pdf"}}, {})
    assert stored == [("scan", ".pdf", b"%PDF-1.4")]
    files = MultiDict({"scan": FileStorage(io.BytesIO(b"x"), filename="bap.exe")})
    data, errors = parse_form(schema, MultiDict(), ui_schema=ui, files=files, store_file=store)
    assert errors == {"scan": ["Jenis berkas tidak diizinkan."]} and data == {}


def test_arrays_of_choices_are_checkboxes_and_arrays_of_text_one_line_each(ctx):
    schema = {"type": "object", "properties": {
        "methods": {"type": "array", "title": "Metode", "items": {"type": "string", "enum": ["a", "b", "c"]}},
        "places": {"type": "array", "title": "Lokasi", "items": {"type": "string"}}}}
    html = str(render_form(schema, {}, {"methods": ["b"], "places": ["Bandung", "Cimahi"]}))
    assert 'type="checkbox" name="methods" id="f-methods-2" value="b" checked' in html
    assert ">Bandung\nCimahi</textarea>" in html
    form = MultiDict([("methods", ""), ("methods", "a"), ("methods", "c"), ("places", "Bandung\r\n\r\n Garut ")])
    data, errors = parse_form(schema, form)
    assert data == {"methods": ["a", "c"], "places": ["Bandung", "Garut"]} and errors == {}
