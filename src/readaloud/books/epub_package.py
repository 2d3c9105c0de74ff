"""The EPUB package document (metadata, manifest, spine) and the navigation document."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable

from ..markup import Part, SyncMap
from ..timefmt import smil_clock
from .common import ACTIVE_CLASS, BookMeta, attrs, text

CONFORMANCE = "EPUB Accessibility 1.1 - WCAG 2.2 Level AA"


def package_document(
    meta: BookMeta,
    sync: SyncMap,
    overlays: list[tuple[str, int | None]],
    audio_name: str,
    audio_type: str,
    modified: dt.datetime,
) -> str:
    """The OPF: `overlays` is (part name, overlay duration ms or None) per content document."""
    timed = [(name, ms) for name, ms in overlays if ms is not None]
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id"'
        f"{attrs(xml__lang=meta.language)}"
        ' prefix="a11y: http://www.idpf.org/epub/vocab/package/a11y/#">',
        '  <metadata xmlns:dc="http://purl.org/dc/elements/1.1/">',
        f'    <dc:identifier id="pub-id">{text(meta.identifier)}</dc:identifier>',
        f"    <dc:title>{text(meta.title)}</dc:title>",
        f"    <dc:language>{text(meta.language)}</dc:language>",
    ]
    if meta.author:
        lines.append(f'    <dc:creator id="author">{text(meta.author)}</dc:creator>')
    if meta.publisher:
        lines.append(f"    <dc:publisher>{text(meta.publisher)}</dc:publisher>")
    if meta.source:
        lines.append(f"    <dc:source>{text(meta.source)}</dc:source>")
    date = re.match(r"\d{4}(-\d{2}(-\d{2})?)?", meta.date or "")
    if date:
        lines.append(f"    <dc:date>{date.group()}</dc:date>")
    if meta.description:
        lines.append(f"    <dc:description>{text(meta.description)}</dc:description>")
    stamp = modified.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines.append(f'    <meta property="dcterms:modified">{stamp}</meta>')
    if meta.narrator:
        narrator = f"{meta.narrator} (synthetic speech)"
        lines.append(f'    <dc:contributor id="narrator">{text(narrator)}</dc:contributor>')
        lines.append(
            '    <meta refines="#narrator" property="role" scheme="marc:relators">nrt</meta>'
        )
        lines.append(f'    <meta property="media:narrator">{text(narrator)}</meta>')
    total = sum(ms for _, ms in timed)
    lines.append(f'    <meta property="media:duration">{smil_clock(total)}</meta>')
    for name, ms in timed:
        lines.append(
            f'    <meta property="media:duration" refines="#smil-{name}">{smil_clock(ms)}</meta>'
        )
    lines.append(f'    <meta property="media:active-class">{ACTIVE_CLASS}</meta>')
    lines += [f"    {line}" for line in accessibility_metadata(sync)]
    lines += [
        "  </metadata>",
        "  <manifest>",
        '    <item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '    <item id="css" href="css/book.css" media-type="text/css"/>',
    ]
    durations = dict(timed)
    for name, _ in overlays:
        overlay = f' media-overlay="smil-{name}"' if name in durations else ""
        lines.append(
            f'    <item id="{name}" href="text/{name}.xhtml"'
            f' media-type="application/xhtml+xml"{overlay}/>'
        )
        if name in durations:
            lines.append(
                f'    <item id="smil-{name}" href="smil/{name}.smil" media-type="application/smil+xml"/>'
            )
    lines += [
        f'    <item id="audio" href="{audio_name}" media-type="{audio_type}"/>',
        "  </manifest>",
        "  <spine>",
        '    <itemref idref="nav" linear="no"/>',
        *[f'    <itemref idref="{name}"/>' for name, _ in overlays],
        "  </spine>",
        "</package>",
    ]
    return "\n".join(lines) + "\n"


def accessibility_metadata(sync: SyncMap) -> list[str]:
    """EPUB Accessibility 1.1 discovery metadata, stating only what is true of this book."""
    # The audio reads everything shown unless a reading rule left something out: a code
    # sample announced and skipped, rows past the table limit, an unread figure.
    omitted = any(
        (s.part == "more") or (s.role == "code" and s.part == "intro") for s in sync.sentences
    )
    placed = {(s.block, s.part) for s in sync.sentences}
    if sync.article is not None:
        figures = [i for i, b in enumerate(sync.article.blocks) if b.kind == "figure"]
        omitted = omitted or any((i, "image") not in placed for i in figures)
    sufficient = ["textual"] if omitted else ["textual", "auditory"]
    features = [
        "synchronizedAudioText",
        "structuralNavigation",
        "tableOfContents",
        "readingOrder",
        "displayTransformability",
    ]
    summary = (
        "Text and synthetic speech of one article, synchronized sentence by sentence with EPUB "
        "Media Overlays. Headings give structural navigation and a table of contents; tables "
        "have header cells; tables and sidebars can be skipped or escaped during playback. "
        "Images of the source are not included: their descriptions are given as text. "
        + (
            "Some parts (code samples or long tables) are shown but not read aloud. "
            if omitted
            else "Everything shown is also read aloud. "
        )
        + "Conformance is a self-assessment by the generating software, checked with EPUBCheck, "
        "not an independent certification."
    )
    lines = [
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessMode">auditory</meta>',
        *[f'<meta property="schema:accessModeSufficient">{m}</meta>' for m in sufficient],
        *[f'<meta property="schema:accessibilityFeature">{f}</meta>' for f in features],
        '<meta property="schema:accessibilityHazard">none</meta>',
        f'<meta property="schema:accessibilitySummary">{text(summary)}</meta>',
        f'<meta property="dcterms:conformsTo">{CONFORMANCE}</meta>',
        '<meta property="a11y:certifiedBy">readaloud (automated self-assessment)</meta>',
    ]
    if len(sufficient) > 1:
        lines.insert(4, '<meta property="schema:accessModeSufficient">textual,auditory</meta>')
    return lines


def nav_document(parts: list[Part], meta: BookMeta, name_of: Callable[[Part], str]) -> str:
    """The EPUB navigation document: every heading, nested by level, and the landmarks."""
    entries = []
    for part in parts:
        href = f"text/{name_of(part)}.xhtml"
        for heading in part.headings:
            entries.append(
                (heading.level, f'<a href="{href}#{heading.id}">{text(heading.text)}</a>')
            )
    if not entries and parts:
        entries.append((1, f'<a href="text/{name_of(parts[0])}.xhtml">{text(meta.title)}</a>'))
    first = f"text/{name_of(parts[0])}.xhtml" if parts else "nav.xhtml"
    lang = attrs(xml__lang=meta.language, lang=meta.language)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        f'{lang}>\n<head>\n<meta charset="utf-8"/>\n<title>{text(meta.title)}</title>\n'
        '<link rel="stylesheet" type="text/css" href="css/book.css"/>\n</head>\n<body>\n'
        '<nav epub:type="toc" id="toc" role="doc-toc" aria-labelledby="toc-title">\n'
        f'<h1 id="toc-title">Contents</h1>\n{nested_list(entries)}\n</nav>\n'
        '<nav epub:type="landmarks" id="landmarks" hidden="hidden">\n<h2>Landmarks</h2>\n<ol>\n'
        '<li><a epub:type="toc" href="#toc">Contents</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{first}">Start of content</a></li>\n'
        "</ol>\n</nav>\n</body>\n</html>\n"
    )


def nested_list(entries: list[tuple[int, str]]) -> str:
    """`<ol>` lists nested by level (a deeper entry opens a list inside the one before it)."""
    if not entries:
        return "<ol><li><span>No headings</span></li></ol>"
    base = min(level for level, _ in entries)
    out: list[str] = []
    depth = 0
    for level, link in entries:
        wanted = min(level - base + 1, depth + 1)
        if wanted > depth:
            out.append("<ol>")
            depth += 1
        else:
            out.append("</li>")
            while depth > wanted:
                out.append("</ol></li>")
                depth -= 1
        out.append(f"<li>{link}")
    out.append("</li>")
    while depth > 1:
        out.append("</ol></li>")
        depth -= 1
    out.append("</ol>")
    return "".join(out)
