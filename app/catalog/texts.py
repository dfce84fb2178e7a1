"""Model texts in the reader's language, as data of the model.

Service names, step names, instructions, form labels, requirements and service standards are
written in Indonesian in the model files. Their translations are data of the same model, so a new
service never needs Python or the .po catalog:

- a JSON object file of forms/ may carry ``"x-translations": {"en": {"<Indonesian>": "<English>"}}``
  for its own texts;
- a BPMN process may name, with its ``translations`` property, a forms/ file holding only
  ``{"x-translations": {...}}`` for the texts of the BPMN (process name and documentation, element
  names, instructions) and of what has no object of its own to carry them: the requirements list
  (a JSON array) and the fee table (DMN).

The catalog of a version, for one language, is the union of the x-translations of the version's form
files. Lookup is by exact text (surrounding whitespace aside); an unknown text passes through
unchanged, and Indonesian, the source language, is returned as it is, without copying.
"""
from __future__ import annotations

import html
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from flask_babel import get_locale
from flask_babel import gettext as _
from jinja2 import Undefined

from app.common.i18n import DEFAULT_LOCALE, LANGUAGES

TRANSLATIONS = "x-translations"
SOURCE_LANGUAGE = DEFAULT_LOCALE
# The keys whose string values (or lists of strings) people read. Everything else is data the
# application compares or stores (const/enum values, keys, patterns, x-rules operands) and is never touched.
DISPLAY_KEYS = frozenset({
    "title", "description", "label", "help", "x-help", "placeholder", "message", "x-message", "errorMessage",
    "text", "step", "actor", "product", "name", "unit", "legal_basis", "enumNames",
})
# Values of the form's data, not words about it: never translated, not even inside.
VALUE_KEYS = frozenset({"const", "enum", "default", "examples", TRANSLATIONS})
# Objects whose keys are names (fields, definitions), each value a schema or UI node of its own.
NAME_MAPPINGS = frozenset({"properties", "fields", "$defs", "definitions", "patternProperties",
                           "dependentSchemas"})
IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")  # a lane named by its group key is a name, not a text
PLACEHOLDER = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|%\([A-Za-z_][A-Za-z0-9_]*\)[sd]", re.S)
CACHE_SIZE = 512

Texts = Mapping[str, str]


def current_language() -> str:
    """The language of the page being built; Indonesian outside a request."""
    try:
        locale = get_locale()
    except Exception:  # noqa: BLE001 - no application context: the source language
        return SOURCE_LANGUAGE
    return str(locale) if locale is not None and str(locale) in LANGUAGES else SOURCE_LANGUAGE


def lookup(texts: Texts, text: Any) -> Any:
    """The translation of one text from a catalog, else the text itself.

    Exact match first, then the text without its surrounding whitespace (kept around the translation);
    a list joined with ", " (a case's current steps) is translated part by part when every part is known.
    """
    if not texts or not isinstance(text, str) or not text:
        return text
    hit = texts.get(text)
    if hit is not None:
        return hit
    core = text.strip()
    if core != text and core in texts:
        start = text.index(core)
        return text[:start] + texts[core] + text[start + len(core):]
    parts = core.split(", ")
    if len(parts) > 1 and all(p in texts for p in parts):
        return ", ".join(texts[p] for p in parts)
    return text


# -- catalogs -------------------------------------------------------------------------------------------


def _entries(doc: Any, lang: str) -> dict[str, str]:
    table = doc.get(TRANSLATIONS) if isinstance(doc, dict) else None
    entries = table.get(lang) if isinstance(table, dict) else None
    if not isinstance(entries, dict):
        return {}
    return {k: v for k, v in entries.items() if isinstance(k, str) and isinstance(v, str) and v}


def own_texts(*docs: Any, lang: str | None = None) -> dict[str, str]:
    """The union of the x-translations the given JSON documents carry themselves, for one language."""
    lang = lang or current_language()
    merged: dict[str, str] = {}
    for doc in docs:
        merged.update(_entries(doc, lang))
    return merged


def files_texts(forms: Mapping[str, str], lang: str) -> dict[str, str]:
    """The catalog of a set of form files (name -> JSON text) for one language: the union of their x-translations."""
    merged: dict[str, str] = {}
    for name in sorted(forms):
        try:
            doc = json.loads(forms[name])
        except (TypeError, ValueError):
            continue
        merged.update(_entries(doc, lang))
    return merged


def files_translations(forms: Mapping[str, str]) -> dict[str, dict[str, str]]:
    """Every language's catalog of a set of form files: {lang: {text: translation}}."""
    return {lang: texts for lang in LANGUAGES if lang != SOURCE_LANGUAGE
            if (texts := files_texts(forms, lang))}


class _Catalogs:
    """Catalogs per (version content hash, language).

    A version's files never change once stored (a new content makes a new version), and two versions with
    the same content hash hold the same files, so a cached catalog never goes stale and keying it by the hash
    is as safe as keying it by version id, across databases too.
    """

    def __init__(self, size: int = CACHE_SIZE):
        self._items: OrderedDict[tuple[str, str], Any] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, key: tuple[str, str], build: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = build()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return value


_catalogs = _Catalogs()


def _stored_forms(version) -> dict[str, str]:
    """A stored version's form files, from the parsed model cache when it holds them (no row read)."""
    try:
        from .service import spec_cache

        cached = spec_cache().get_by_hash(version.content_hash)
    except RuntimeError:  # outside an application context
        cached = None
    files = cached.bundle.files if cached is not None else (version.files or {})
    return files.get("forms") or {}


def _version_of(obj: Any) -> Any:
    """The ProcessVersion or Bundle a model object belongs to (Task -> Case -> ProcessVersion), or None."""
    from .models import ProcessVersion, Service

    for _hop in range(4):
        if obj is None or isinstance(obj, ProcessVersion):
            return obj
        if isinstance(obj, str):  # a service key: its active version
            from app.extensions import db

            obj = db.session.get(Service, obj)
        elif isinstance(obj, Service):
            obj = obj.active_version
        elif getattr(obj, "bundle", None) is not None:  # a ParsedModel
            obj = obj.bundle
        elif isinstance(getattr(obj, "files", None), dict) and hasattr(obj, "content_hash"):  # a Bundle
            return obj
        elif hasattr(obj, "process_version"):  # a Case
            obj = obj.process_version
        elif hasattr(obj, "case"):  # a Task
            obj = obj.case
        else:
            return None
    return None


def _source(obj: Any) -> tuple[str | None, Callable[[], Mapping[str, str]] | None]:
    """(content hash, loader of the form files) of the version a model object belongs to."""
    from .models import ProcessVersion

    version = _version_of(obj)
    if version is None:
        return None, None
    if isinstance(version, ProcessVersion):
        return version.content_hash, lambda: _stored_forms(version)
    return version.content_hash, lambda: version.files.get("forms") or {}


def catalog(version_or_model: Any, lang: str | None = None) -> Texts:
    """A version's catalog in one language (of a ProcessVersion, model, Service, Case, Task or service key)."""
    lang = lang or current_language()
    if lang == SOURCE_LANGUAGE:
        return {}
    content_hash, forms = _source(version_or_model)
    if content_hash is None or forms is None:
        return {}
    return _catalogs.get((content_hash, lang), lambda: files_texts(forms(), lang))


def translations(version_or_model: Any) -> dict[str, dict[str, str]]:
    """Every language's catalog of a version: the `x-translations` the forms it hands out carry."""
    content_hash, forms = _source(version_or_model)
    if content_hash is None or forms is None:
        return {}
    return _catalogs.get((content_hash, "*"), lambda: files_translations(forms()))


# -- translating ----------------------------------------------------------------------------------------


def model_text(text: Any, version_or_model: Any, lang: str | None = None) -> Any:
    """One text of a model in the reader's language (unknown texts and Indonesian unchanged)."""
    if not isinstance(text, str) or not text:
        return text
    lang = lang or current_language()
    if lang == SOURCE_LANGUAGE:
        return text
    return lookup(catalog(version_or_model, lang), text)


def translator(version_or_model: Any, lang: str | None = None) -> Callable[[str], str] | None:
    """A function translating texts of one version, or None in the source language."""
    lang = lang or current_language()
    if lang == SOURCE_LANGUAGE:
        return None
    texts = catalog(version_or_model, lang)
    return lambda text: lookup(texts, text)


# The `name` attribute of a BPMN element (any prefix but the engine's extension properties).
BPMN_NAME = re.compile(r'(<(?!spiffworkflow:)(?:[A-Za-z_][\w.-]*:)?([A-Za-z]+)\b[^>]*?\sname=")([^"]*)(")')


def localized_bpmn(xml: str, version_or_model: Any, *, lane: Callable[[str], str] | None = None,
                   lang: str | None = None) -> str:
    """A BPMN file with its element names in the reader's language, for showing its diagram.

    Only the names people read change (tasks, events, gateways, flows, processes); ids, properties and
    everything the engine runs are untouched. A lane named by its group key gets `lane(key)` when given.
    """
    change = translator(version_or_model, lang)
    if change is None and lane is None:
        return xml

    def rename(match: re.Match) -> str:
        tag, text = match.group(2), html.unescape(match.group(3))
        if IDENTIFIER.match(text):  # a group key, not a text: a lane shows its group's name
            shown = lane(text) if lane is not None and tag == "lane" else text
        else:
            shown = change(text) if change is not None else text
        return match.group(1) + xml_escape(shown, {'"': "&quot;"}) + match.group(4)

    return BPMN_NAME.sub(rename, xml)


def _walk(node: Any, change: Callable[[str], str], names: bool = False) -> Any:
    """A copy of a JSON value with `change` applied to its display texts (the DISPLAY_KEYS whitelist)."""
    if isinstance(node, list):
        return [_walk(item, change) for item in node]
    if not isinstance(node, dict):
        return node
    copied: dict[str, Any] = {}
    for key, value in node.items():
        if names:  # a field name: its value is a node of its own
            copied[key] = _walk(value, change)
        elif key in VALUE_KEYS:
            copied[key] = value  # shared, never changed: data, or the catalog itself
        elif key in DISPLAY_KEYS and isinstance(value, str):
            copied[key] = change(value)
        elif key in DISPLAY_KEYS and isinstance(value, list) and all(isinstance(v, str) for v in value):
            copied[key] = [change(v) for v in value]
        elif key == "errorMessage" and isinstance(value, dict):
            copied[key] = {k: change(v) if isinstance(v, str) else v for k, v in value.items()}
        else:
            copied[key] = _walk(value, change, names=key in NAME_MAPPINGS and isinstance(value, dict))
    return copied


def localized(doc: Any, version_or_model: Any = None, *, texts: Texts | None = None, lang: str | None = None) -> Any:
    """A translated deep copy of a form, UI schema, requirements list or standard: display keys only.

    The catalog is `texts`, else the version's (when `version_or_model` is given), else the x-translations
    the document carries itself. In Indonesian, or with nothing to translate, the document itself comes back.
    """
    lang = lang or current_language()
    if lang == SOURCE_LANGUAGE or doc is None:
        return doc
    if texts is None:
        texts = catalog(version_or_model, lang) if version_or_model is not None else own_texts(doc, lang=lang)
    if not texts:
        return doc
    return _walk(doc, lambda text: lookup(texts, text))


def localized_fee(fee: dict | None, version_or_model: Any, lang: str | None = None) -> dict | None:
    """A service's fee description with its fee table's name, formula, inputs and rules (DMN texts) translated."""
    table = (fee or {}).get("table")
    tr = translator(version_or_model, lang)
    if tr is None or not isinstance(table, dict):
        return fee
    words = {key: tr(table[key]) for key in ("name", "formula") if isinstance(table.get(key), str)}
    words |= {key: [tr(v) if isinstance(v, str) else v for v in table[key]]
              for key in ("inputs", "rules") if isinstance(table.get(key), list)}
    return {**fee, "table": {**table, **words}}


def display_texts(doc: Any) -> set[str]:
    """The texts of a JSON document that `localized` would translate (for completeness checks)."""
    found: set[str] = set()

    def record(text: str) -> str:
        if text.strip():
            found.add(text.strip())
        return text

    _walk(doc, record)
    return found


def model_text_filter(text: Any, version_or_model: Any = None, lang: str | None = None) -> Any:
    """Jinja filter `model_text`: ``{{ task.name|model_text(task) }}``.

    The version is found from a Case, Task, Service, ProcessVersion or parsed model, or a service key (its
    active version); `lang` (e.g. a message's recipient's) overrides the page's language.
    """
    if version_or_model is None or isinstance(version_or_model, Undefined):  # nothing to find the version by
        return text
    return model_text(text, version_or_model, lang=lang)


# -- the model's texts and the checks of its translations ----------------------------------------------


def bundle_texts(bundle) -> set[str]:
    """Every display text of a version: its forms (by the whitelist), its BPMN texts and its fee table."""
    from app.engine import properties as P
    from app.engine.specs import describe_bpmn
    from app.payments.fees import describe_decision

    found: set[str] = set()
    for text in bundle.files.get("forms", {}).values():
        try:
            found |= display_texts(json.loads(text))
        except ValueError:
            continue
    main = None
    for name, xml in bundle.files.get("bpmn", {}).items():
        for pid, info in describe_bpmn(xml, name).items():
            main = info if pid == bundle.process_id else main
            found.update(t for t in (info.name, info.documentation) if t and t != pid)
            for el in info.elements.values():
                if el.name and el.name != el.bpmn_id:
                    found.add(el.name)
                if el.lane and not IDENTIFIER.match(el.lane):
                    found.add(el.lane)
                if el.instructions and el.instructions.strip():
                    found.add(el.instructions.strip())
        # Every other name the diagram shows (sequence flows, participants): what `localized_bpmn` rewrites.
        found.update(t for t in (html.unescape(m.group(3)) for m in BPMN_NAME.finditer(xml))
                     if not IDENTIFIER.match(t))
    if main is not None and main.properties.get(P.FEE_KIND) == "computed":
        table = describe_decision(bundle.files.get("dmn", {}), main.properties.get(P.FEE_DECISION)) or {}
        found.update(t for t in [table.get("name"), table.get("formula"), *(table.get("inputs") or []),
                                 *(table.get("rules") or [])] if t)
    # A text without letters (a date, a number, a code such as 081234567890) reads the same in every language.
    return {t.strip() for t in found if t and any(c.isalpha() for c in t)}


def untranslated_texts(bundle, lang: str) -> set[str]:
    """The display texts of a version that its catalog does not translate into `lang`."""
    texts = files_texts(bundle.files.get("forms", {}), lang)
    return {text for text in bundle_texts(bundle) if text not in texts}


def _placeholders(text: str) -> list[str]:
    return sorted(re.sub(r"\s+", "", p) for p in PLACEHOLDER.findall(text))


def _problem(message: str, file: str | None, element_id: str | None = None) -> dict:
    return {"message": message, "element_id": element_id, "line": None, "column": None, "file": file}


def file_translation_problems(name: str, doc: Any) -> list[dict]:
    """What is malformed in one form file's x-translations: shape, languages and placeholders."""
    if not isinstance(doc, dict) or TRANSLATIONS not in doc:
        return []
    table = doc[TRANSLATIONS]
    targets = [lang for lang in LANGUAGES if lang != SOURCE_LANGUAGE]
    if not isinstance(table, dict):
        return [_problem(_("%(file)s: %(key)s harus berupa objek {bahasa: {teks: terjemahan}}",
                           file=name, key=TRANSLATIONS), name)]
    problems: list[dict] = []
    for lang, entries in table.items():
        if lang not in targets:
            problems.append(_problem(_("%(file)s: bahasa terjemahan '%(lang)s' tidak dikenal (pilihan: %(choices)s)",
                                       file=name, lang=lang, choices=", ".join(targets)), name))
            continue
        if not isinstance(entries, dict):
            problems.append(_problem(_("%(file)s: terjemahan '%(lang)s' harus berupa objek {teks: terjemahan}",
                                       file=name, lang=lang), name))
            continue
        for source, target in entries.items():
            if not isinstance(target, str) or not target.strip():
                problems.append(_problem(_("%(file)s: terjemahan '%(lang)s' dari \"%(text)s\" harus teks yang "
                                           "tidak kosong", file=name, lang=lang, text=_short(source)), name))
            elif _placeholders(source) != _placeholders(target):
                problems.append(_problem(_("%(file)s: terjemahan '%(lang)s' dari \"%(text)s\" harus memuat isian "
                                           "yang sama dengan teks asalnya: %(expected)s",
                                           file=name, lang=lang, text=_short(source),
                                           expected=" ".join(_placeholders(source)) or "—"), name))
    return problems


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def translation_problems(bundle) -> list[dict]:
    """What is malformed in the translations of a version (for the modeler's checks); [] when they are usable.

    Each form file's x-translations must be {lang: {text: text}} with lang one of the interface languages
    but the source; a translation keeps the source's placeholders (`{{ ... }}`, `{% ... %}`, `%(name)s`);
    a process's `translations` property names a JSON object file of the version.
    """
    from app.engine import properties as P
    from app.engine.specs import describe_bpmn

    forms = bundle.files.get("forms", {})
    problems: list[dict] = []
    for name in sorted(forms):
        try:
            doc = json.loads(forms[name])
        except ValueError:
            continue  # the JSON check reports it
        problems.extend(file_translation_problems(name, doc))
    for name, xml in bundle.files.get("bpmn", {}).items():
        for pid, info in describe_bpmn(xml, name).items():
            target = info.properties.get(P.TRANSLATIONS_FILE)
            if not target:
                continue
            try:
                doc = json.loads(forms.get(target) or "null")
            except ValueError:
                doc = None
            if not isinstance(doc, dict):
                problems.append(_problem(_("%(file)s: berkas terjemahan proses '%(process)s' harus berupa objek "
                                           "JSON {\"x-translations\": {...}}", file=target, process=pid), name, pid))
    return problems

