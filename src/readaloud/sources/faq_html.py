"""FAQ items hidden from article extractors: schema.org FAQPage JSON-LD and <details> accordions."""

from __future__ import annotations

import json
import logging
from typing import Any

from lxml import html as lxml_html

from readaloud.document import QA

logger = logging.getLogger(__name__)


def html_to_text(fragment: str) -> str:
    """The visible text of an HTML fragment."""
    if not fragment.strip():
        return ""
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except Exception:  # lxml raises several types on junk; the text is then simply empty.
        return ""
    for bad in root.xpath(".//script|.//style|.//noscript"):
        bad.drop_tree()
    return " ".join(root.text_content().split())


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    if tree is None:
        return objects

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for item in node:
                walk(item)
        elif isinstance(node, dict):
            objects.append(node)
            for value in node.values():
                if isinstance(value, list | dict):
                    walk(value)

    for script in tree.xpath("//script[@type='application/ld+json']"):
        try:
            walk(json.loads(script.text_content().strip() or "null"))
        except (json.JSONDecodeError, RecursionError):
            logger.debug("skipping unreadable JSON-LD block")
    return objects


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type", [])
    return {str(t) for t in (kind if isinstance(kind, list) else [kind])}


def jsonld_faq(tree: Any) -> list[QA]:
    """Questions and answers of schema.org FAQPage JSON-LD."""
    items: list[QA] = []
    for obj in _jsonld_objects(tree):
        if "FAQPage" not in _types(obj):
            continue
        entities = obj.get("mainEntity", [])
        for entity in entities if isinstance(entities, list) else [entities]:
            if not isinstance(entity, dict) or "Question" not in _types(entity):
                continue
            answer = entity.get("acceptedAnswer") or entity.get("suggestedAnswer")
            if isinstance(answer, list):
                answer = answer[0] if answer else None
            question = html_to_text(str(entity.get("name") or entity.get("text") or ""))
            text = html_to_text(str(answer.get("text", ""))) if isinstance(answer, dict) else ""
            if question and text:
                items.append(QA(question=question, answer=text))
    return items


def details_faq(tree: Any) -> list[QA]:
    """<details><summary>Question</summary>Answer</details> accordions as questions and answers."""
    items: list[QA] = []
    if tree is None:
        return items
    for details in tree.xpath("//details[summary]"):
        summary = details.xpath("./summary")[0]
        question = " ".join(summary.text_content().split())
        parts = []
        for child in details:
            if child is summary or not isinstance(child.tag, str):
                continue
            parts.append(" ".join(child.text_content().split()))
        if summary.tail and summary.tail.strip():
            parts.insert(0, summary.tail.strip())
        answer = " ".join(p for p in parts if p)
        if question and answer:
            items.append(QA(question=question, answer=answer))
    # A lone <details> is usually a "show more" toggle, not an FAQ.
    if len(items) == 1 and not items[0].question.endswith("?"):
        return []
    return items
