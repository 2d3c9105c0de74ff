"""SSML 1.1 output of a speech script, and SSML input (edit the script, feed it back).

Layout: `<speak>` holds a `<metadata>` block with the script's title, author and chapter titles
(readaloud namespace), then per chapter a `<mark name="chN"/>` and one `<s>` per segment, each
followed by a `<break>` with the segment's pause. Changed words are `<sub alias="spoken">written</sub>`
(letters as `<say-as interpret-as="characters">`; IPA entries as `<phoneme>` when asked for).
Written text that is not spoken at all joins its neighbour's `<sub>`: an alias is never empty.
The portable form leaves out the metadata and readaloud's attributes and says version 1.0, so it
validates against the W3C SSML 1.0 schema and can be sent to a cloud engine as it is.
"""

from __future__ import annotations

import logging
import re
import xml.etree.ElementTree as ET

from ..errors import InputError
from .model import ArticleMeta, Chapter, Segment, Span, SpeechScript

logger = logging.getLogger(__name__)

SSML_NS = "http://www.w3.org/2001/10/synthesis"
RA_NS = "urn:readaloud:script:1"
XML_NS = "http://www.w3.org/XML/1998/namespace"
MAX_BREAK_MS = 5000  # Azure's cap; longer pauses are split into several breaks
# A pause read from SSML is at most this long, as in the SSML 1.1 norm and cloud engines: a
# hostile `<break time="99999s"/>` would otherwise make a 27-hour episode.
MAX_PAUSE_MS = 10_000

_STRENGTH_MS = {
    "none": 0,
    "x-weak": 100,
    "weak": 250,
    "medium": 400,
    "strong": 700,
    "x-strong": 1200,
}

ET.register_namespace("", SSML_NS)
ET.register_namespace("ra", RA_NS)


def _q(tag: str, ns: str = SSML_NS) -> str:
    return f"{{{ns}}}{tag}"


def _letters(written: str) -> str:
    return " ".join(ch for ch in written if ch.isalnum())


def _xml_lang(language: str) -> str:
    return language or "en"


def render_ssml(script: SpeechScript, *, phonemes: bool = False, portable: bool = False) -> str:
    """The script as an SSML 1.1 document (well-formed XML, text escaped).

    `portable`: SSML 1.0 without readaloud's metadata and `ra:` attributes (it cannot be read
    back with chapter titles, but any SSML engine and the W3C schema accept it).
    """
    speak = ET.Element(
        _q("speak"),
        {"version": "1.0" if portable else "1.1", f"{{{XML_NS}}}lang": _xml_lang(script.language)},
    )
    if not portable:
        _metadata(speak, script)
    for index, chapter in enumerate(script.chapters, 1):
        ET.SubElement(speak, _q("mark"), {"name": f"ch{index}"})
        for segment in chapter.segments:
            role = {} if portable else {f"{{{RA_NS}}}role": segment.role}
            sentence = ET.SubElement(speak, _q("s"), role)
            _render_spans(sentence, segment, phonemes)
            remaining = segment.pause_after_ms
            while remaining > 0:
                step = min(remaining, MAX_BREAK_MS)
                ET.SubElement(speak, _q("break"), {"time": f"{step}ms"})
                remaining -= step
    _indent(speak)
    body = ET.tostring(speak, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def _metadata(speak: ET.Element, script: SpeechScript) -> None:
    """Title, author, article facts and chapter titles, so the script can be read back whole."""
    metadata = ET.SubElement(speak, _q("metadata"))
    attrs = {"title": script.title or ""}
    if script.author:
        attrs["author"] = script.author
    # A local picture's path says nothing to a listener and stays private.
    attrs.update(
        (key, value)
        for key, value in script.metadata.to_dict().items()
        if key != "image" or re.match(r"https?://", value)
    )
    info = ET.SubElement(metadata, _q("script", RA_NS), attrs)
    for index, chapter in enumerate(script.chapters, 1):
        ET.SubElement(info, _q("chapter", RA_NS), {"mark": f"ch{index}", "title": chapter.title})


def segment_ssml(segment: Segment, language: str) -> str:
    """One utterance as a small SSML document, for engines that read SSML (espeak-ng -m).

    Its pause is not included: assembly inserts the silence after every utterance.
    """
    speak = ET.Element(_q("speak"), {"version": "1.1", f"{{{XML_NS}}}lang": _xml_lang(language)})
    _render_spans(ET.SubElement(speak, _q("s")), segment, phonemes=False)
    return ET.tostring(speak, encoding="unicode")


def _indent(speak: ET.Element) -> None:
    """One element per line; mixed content inside <s> is left exactly as it is."""
    speak.text = "\n  "
    for child in speak:
        child.tail = "\n  "
    speak[-1].tail = "\n"
    metadata = speak[0]
    if _local(metadata.tag) != "metadata":
        return
    metadata.text = "\n    "
    for child in metadata:
        child.text = "\n      "
        for grandchild in child:
            grandchild.tail = "\n      "
        if len(child):
            child[-1].tail = "\n    "
        child.tail = "\n  "


def _silent(span: Span) -> bool:
    return span.changed and not span.spoken.strip() and span.ipa is None


def _join(first: Span, second: Span) -> Span:
    return Span(first.written + second.written, first.spoken + second.spoken, first.rule, first.ipa)


def _spoken_spans(spans: list[Span]) -> list[Span]:
    """Spans where written text spoken as nothing (a closing bracket before a comma) is joined
    to its neighbour, so no `<sub alias="">` is written; of a plain neighbour, one word only."""
    out: list[Span] = []
    waiting: Span | None = None  # silent text at the start, for the next span
    for span in spans:
        if _silent(span):
            if out:
                head, word = _split_word(out.pop(), last=True)
                out.extend([head] if head else [])
                out.append(_join(word, span))
            else:
                waiting = _join(waiting, span) if waiting else span
        elif waiting:
            word, rest = _split_word(span, last=False)
            out.extend([_join(waiting, word)] + ([rest] if rest else []))
            waiting = None
        else:
            out.append(span)
    return out


def _split_word(span: Span, *, last: bool) -> tuple[Span | None, Span | None]:
    """A plain span cut before its last word (`last`) or after its first: (head, tail).

    A changed span is not cut: it is the word, returned as the tail (`last`) or the head.
    """
    text = span.written
    if not span.changed:
        if last:
            cut = len(text.rstrip())
            while cut and not text[cut - 1].isspace():
                cut -= 1
        else:
            cut = len(text) - len(text.lstrip())
            while cut < len(text) and not text[cut].isspace():
                cut += 1
        if text[:cut].strip() and text[cut:].strip():
            return Span(text[:cut], text[:cut]), Span(text[cut:], text[cut:])
    return (None, span) if last else (span, None)


def _render_spans(parent: ET.Element, segment: Segment, phonemes: bool) -> None:
    spans = _spoken_spans(segment.spans) if segment.spans else [Span(segment.text, segment.text)]
    last: ET.Element | None = None

    def add_text(text: str) -> None:
        if last is None:
            parent.text = (parent.text or "") + text
        else:
            last.tail = (last.tail or "") + text

    for span in spans:
        if not span.changed:
            add_text(span.written)
            continue
        if phonemes and span.ipa:
            last = ET.SubElement(parent, _q("phoneme"), {"alphabet": "ipa", "ph": span.ipa})
            last.text = span.written
        elif span.spoken == _letters(span.written) and span.written.isalnum():
            last = ET.SubElement(parent, _q("say-as"), {"interpret-as": "characters"})
            last.text = span.written
        elif not span.written.strip():
            add_text(span.spoken)
        else:
            last = ET.SubElement(parent, _q("sub"), {"alias": span.spoken})
            last.text = span.written


MAX_DEPTH = 100
"""SSML nested deeper than this is refused (the reader walks the tree recursively)."""


def _parse_time(value: str) -> int:
    match = re.fullmatch(r"\s*(\d{1,9}(?:\.\d{0,9})?|\.\d{1,9})\s*(ms|s)\s*", value or "")
    if not match:
        raise InputError(f'SSML break has a bad time "{value}". Use e.g. time="500ms" or "1.5s".')
    # At most nine digits: a longer number is refused above; long pauses are capped later.
    return round(float(match.group(1)) * (1000 if match.group(2) == "s" else 1))


def _without_encoding(text: str) -> str:
    """`text` (already decoded) without the encoding its XML declaration names (say UTF-32):
    it is parsed as UTF-8 now, and expat refuses multi-byte declarations."""
    start = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if not text.startswith("<?xml", start):
        return text
    end = text.find("?>", start, start + 1000)
    if end < 0:
        return text
    declaration = re.sub(r"\sencoding\s*=\s*(?:\"[^\"]*\"|'[^']*')", "", text[start:end])
    return declaration + text[end:]


def _check_depth(root: ET.Element) -> None:
    """Refuse a tree nested deeper than MAX_DEPTH, measured without recursion."""
    stack = [(root, 1)]
    while stack:
        element, depth = stack.pop()
        if depth > MAX_DEPTH:
            raise InputError(
                f"the SSML document is nested more than {MAX_DEPTH} elements deep. Flatten it."
            )
        stack.extend((child, depth + 1) for child in element)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _ws(text: str) -> str:
    return re.sub(r"\s+", " ", text)


class _Collector:
    """Walks the SSML tree, collecting segments into chapters."""

    def __init__(self, chapter_titles: dict[str, str]):
        self.titles = chapter_titles
        self.chapters: list[Chapter] = []
        self.current: list[Span] | None = None
        self.role = "body"

    def chapter(self, title: str) -> None:
        self.flush()
        self.chapters.append(Chapter(title=title))

    def flush(self) -> None:
        if self.current is None:
            return
        spans, self.current = self.current, None
        text = _ws("".join(s.spoken for s in spans)).strip()
        if not text:
            return
        if not self.chapters:
            self.chapters.append(Chapter(title=""))
        changed = any(s.changed for s in spans)
        self.chapters[-1].segments.append(Segment(text, 0, self.role, spans if changed else []))

    def pause(self, ms: int) -> None:
        self.flush()
        if self.chapters and self.chapters[-1].segments:
            segment = self.chapters[-1].segments[-1]
            total = segment.pause_after_ms + ms
            if total > MAX_PAUSE_MS:
                logger.warning(
                    "An SSML pause of %s s after %r is shortened to %d s, the longest pause "
                    "the SSML standard (and cloud engines) allow.",
                    f"{total / 1000:g}",
                    segment.text[:40],
                    MAX_PAUSE_MS // 1000,
                )
                total = MAX_PAUSE_MS
            segment.pause_after_ms = total

    def text(self, written: str, spoken: str | None = None, ipa: str | None = None) -> None:
        if not written and not spoken:
            return
        if self.current is None:
            if not (spoken or written).strip():
                return
            self.current = []
        if spoken is None:
            self.current.append(Span(written, written))
        else:
            self.current.append(Span(written, spoken, "ssml", ipa))

    def walk(self, element: ET.Element, role: str | None = None) -> None:
        name = _local(element.tag)
        if name in ("metadata", "meta", "desc", "lexicon"):
            self._tail(element)
            return
        if name == "mark":
            mark = element.get("name", "")
            if mark in self.titles:
                self.chapter(self.titles[mark])
            self._tail(element)
            return
        if name == "break":
            time = element.get("time")
            ms = (
                _parse_time(time)
                if time
                else _STRENGTH_MS.get(element.get("strength", "medium"), 400)
            )
            self.pause(ms)
            self._tail(element)
            return
        if name in ("s", "p"):
            self.flush()
            self.role = element.get(_q("role", RA_NS)) or role or "body"
            self.text(element.text or "")
            for child in element:
                self.walk(child, self.role)
            self.flush()
            self._tail(element)
            return
        if name == "sub":
            self.text(element.text or "", element.get("alias", element.text or ""))
        elif name == "say-as" and element.get("interpret-as") in ("characters", "spell-out"):
            written = "".join(element.itertext())
            self.text(written, _letters(written))
        elif name == "phoneme":
            written = "".join(element.itertext())
            self.text(written, written, element.get("ph"))
        elif name == "audio":
            pass  # fallback text of <audio> is only for engines that cannot play it
        else:  # speak, voice, prosody, emphasis, lang, say-as (other), unknown: read the text
            self.text(element.text or "")
            for child in element:
                self.walk(child, role)
        self._tail(element)

    def _tail(self, element: ET.Element) -> None:
        if element.tail:
            self.text(element.tail)


def parse_ssml(text: str) -> SpeechScript:
    """Read an SSML document (ours or hand-written) back into a speech script."""
    try:
        root = ET.fromstring(
            _without_encoding(text).encode("utf-8") if isinstance(text, str) else text
        )
    except (ET.ParseError, ValueError) as exc:
        raise InputError(f"malformed SSML: {exc}. Fix the XML and try again.") from None
    _check_depth(root)
    if _local(root.tag) != "speak":
        raise InputError(
            f"not an SSML document: the root element is <{_local(root.tag)}>, not <speak>."
        )
    info = root.find(f"{_q('metadata')}/{_q('script', RA_NS)}")
    titles: dict[str, str] = {}
    metadata = ArticleMeta()
    title, author = "", None
    if info is not None:
        title = info.get("title", "")
        author = info.get("author")
        metadata = ArticleMeta.from_dict(dict(info.attrib))
        for chapter in info.findall(_q("chapter", RA_NS)):
            titles[chapter.get("mark", "")] = chapter.get("title", "")
    collector = _Collector(titles)
    collector.walk(root)
    collector.flush()
    chapters = [c for c in collector.chapters if c.segments]
    if not chapters:
        raise InputError("the SSML document has no text to speak.")
    for chapter in chapters:
        if not chapter.title:
            chapter.title = title or chapter.segments[0].text[:60]
    language = root.get(f"{{{XML_NS}}}lang") or "en"
    return SpeechScript(
        title=title or chapters[0].title,
        author=author,
        language=language,
        chapters=chapters,
        metadata=metadata,
    )
