"""Fee tables in words: the rules of a service's DMN decision, as the catalog shows them.

Each rule of a fee table carries a `description` (its condition and rate in Indonesian)
and the decision carries one for the formula; the catalog lists them so applicants see the
same rules the engine applies.
"""
from __future__ import annotations

from app.engine import ParsedModel
from app.engine.specs import DMN_NAMESPACES, parse_xml


def _text(element, tag: str, ns: str) -> str:
    child = element.find(f"{{{ns}}}{tag}")
    return " ".join((child.text or "").split()) if child is not None and child.text else ""


def describe_decision(dmn_files: dict[str, str], decision_id: str | None) -> dict | None:
    """{"name", "formula", "inputs": [label], "rules": [text]} of a decision, or None when it is absent."""
    if not decision_id:
        return None
    for name, text in sorted(dmn_files.items()):
        root = parse_xml(text, name)
        for ns in DMN_NAMESPACES:
            for decision in root.iter(f"{{{ns}}}decision"):
                if decision.get("id") != decision_id:
                    continue
                table = decision.find(f"{{{ns}}}decisionTable")
                inputs = [i.get("label") or "" for i in table.findall(f"{{{ns}}}input")] if table is not None else []
                rules = [_text(rule, "description", ns) for rule in table.findall(f"{{{ns}}}rule")] \
                    if table is not None else []
                return {"name": decision.get("name") or decision_id, "formula": _text(decision, "description", ns),
                        "inputs": inputs, "rules": [r for r in rules if r]}
    return None


def fee_rules(model: ParsedModel, decision_id: str | None) -> dict | None:
    """The fee table of a service version in words."""
    return describe_decision(model.bundle.files.get("dmn", {}), decision_id)
