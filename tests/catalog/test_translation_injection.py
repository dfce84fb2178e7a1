"""An analyst's translation is text, never markup: it cannot break the diagram's XML or inject into a page."""
from __future__ import annotations

from lxml import etree

from app.catalog import texts

BPMN = ('<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" '
        'xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core">'
        '<bpmn:process id="p" name="Layanan"><bpmn:userTask id="t" name="Verifikasi berkas">'
        '<bpmn:extensionElements><spiffworkflow:properties>'
        '<spiffworkflow:property name="translations" value="Verifikasi berkas"/>'
        '</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask></bpmn:process></bpmn:definitions>')
HOSTILE = '"/><bpmn:scriptTask id="x" name="<script>alert(1)</script>&amp;'


def test_a_hostile_translation_stays_an_attribute_value(monkeypatch):
    monkeypatch.setattr(texts, "translator", lambda version, lang=None: lambda text: HOSTILE)
    shown = texts.localized_bpmn(BPMN, object(), lang="en")
    root = etree.fromstring(shown.encode())  # still well-formed
    names = [el.get("name") for el in root.iter() if el.get("name") is not None]
    assert names[:2] == [HOSTILE, HOSTILE]  # the process and the task carry the text itself
    assert not root.findall(".//{http://www.omg.org/spec/BPMN/20100524/MODEL}scriptTask")  # no element injected
    # the engine's own properties are never rewritten
    assert 'spiffworkflow:property name="translations" value="Verifikasi berkas"' in shown


def test_a_hostile_translation_is_escaped_on_the_page(app, monkeypatch):
    with app.test_request_context("/", headers={"Cookie": "lang=en"}):
        from flask import render_template_string

        monkeypatch.setattr(texts, "model_text", lambda text, version, lang=None: "<script>alert(1)</script>")
        html = render_template_string("{{ 'Layanan'|model_text('sip_apoteker') }}")
    assert "<script>" not in html and "&lt;script&gt;" in html
