"""A Draft as brief YAML, with a comment above each field saying where it came from."""

from __future__ import annotations

import json

import yaml

from .draft import Draft


def scalar(text: str) -> str:
    """Text as a YAML scalar: plain when YAML reads it back unchanged, else double-quoted."""
    plain = text.strip() == text and "\n" not in text and not text.startswith(("#", "'", '"'))
    if plain:
        try:
            if yaml.safe_load(f"k: {text}") == {"k": text} and " #" not in text:
                return text
        except yaml.YAMLError:
            pass
    return json.dumps(text, ensure_ascii=False)


def _comment(origin: str, indent: str = "") -> str:
    return "".join(f"{indent}# {line}\n" for line in origin.splitlines() if line.strip())


def to_yaml(draft: Draft) -> str:
    """The brief's YAML text; every value is followed by the origin comment above it."""
    out = [f"# Drafted by `policyclip import` from {draft.source}.\n"
           "# Every value below is text from the source; the comment above it says where it\n"
           "# came from. Review each one against the source, then run `policyclip check`.\n"]
    f = draft.fields
    for key in ("title", "issuer", "doc_number", "published"):
        if key in f:
            value = f[key].value if key == "published" else scalar(f[key].value)
            out.append(_comment(f[key].origin) + f"{key}: {value}\n")
    if draft.effective:
        start, end = draft.effective
        out.append(_comment(draft.effective_origin) + "effective:\n")
        if start:
            out.append(f"  from: {start.isoformat()}\n")
        if end:
            out.append(f"  to: {end.isoformat()}\n")
    for key in ("source_url", "audience", "language", "summary"):
        if key in f:
            out.append(_comment(f[key].origin) + f"{key}: {scalar(f[key].value)}\n")
    out.append(_comment(f"points: {draft.points_origin}") + "points:\n")
    for point in draft.points:
        out.append(_comment(point.origin, "  "))
        out.append(f"  - heading: {scalar(point.heading)}\n")
        out.append(f"    text: {scalar(point.text)}\n")
        if point.figure:
            out.append(_comment(point.figure_origin, "    "))
            out.append(f"    figure:\n      value: {scalar(point.figure[0])}\n"
                       f"      label: {scalar(point.figure[1])}\n")
    if draft.faq:
        out.append(_comment(f"faq: {draft.faq_origin}") + "faq:\n")
        for q, a in draft.faq:
            out.append(f"  - q: {scalar(q)}\n    a: {scalar(a)}\n")
    if draft.steps:
        out.append(_comment(f"steps: {draft.steps_origin}") + "steps:\n")
        out.extend(f"  - {scalar(step)}\n" for step in draft.steps)
    if "contact" in f:
        out.append(_comment(f["contact"].origin) + f"contact: {scalar(f['contact'].value)}\n")
    if draft.hashtags:
        out.append(_comment(draft.hashtags_origin) + "hashtags:\n")
        out.extend(f"  - {scalar(tag)}\n" for tag in draft.hashtags)
    return "".join(out)
