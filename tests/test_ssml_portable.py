"""Portable SSML: W3C SSML 1.0 valid (lxml + the W3C XSD in tests/fixtures/ssml-1.0), never an
empty `<sub alias>`, the same speech when read back; checked on every shared example page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from lxml import etree
from test_shared_examples import FILES

from readaloud.cli import main
from readaloud.script.model import ArticleMeta, Chapter, Segment, Span, SpeechScript
from readaloud.script.ssml import parse_ssml, render_ssml

SCHEMA = etree.XMLSchema(
    etree.parse(str(Path(__file__).parent / "fixtures" / "ssml-1.0" / "synthesis.xsd"))
)
EMPTY_ALIAS = re.compile(r"""alias=(["'])\s*\1""")
EXAMPLES = [p for p in FILES if p.name != "README.md"]


def segment(*spans: tuple[str, str]) -> Segment:
    parts = [Span(w, s, "rule" if w != s else "") for w, s in spans]
    return Segment("".join(s for _, s in spans), 300, "body", parts)


def script_of(*segments: Segment) -> SpeechScript:
    return SpeechScript("T", None, "en-US", [Chapter("One", list(segments))])


def spoken(script: SpeechScript) -> list[str]:
    return [" ".join(s.text.split()) for _, s in script.segments()]


@pytest.mark.parametrize(
    ("spans", "expected"),
    [
        # a bracket spoken as nothing joins the changed span before it
        (
            [
                ("War ", "War "),
                ("(", ", "),
                ("1950", "nineteen fifty"),
                (")", ""),
                (", so.", ", so."),
            ],
            'War <sub alias=", ">(</sub><sub alias="nineteen fifty">1950)</sub>, so.',
        ),
        # ... or the last word of plain text before it
        (
            [("the big War", "the big War"), (")", ""), (".", ".")],
            'the big <sub alias="War">War)</sub>.',
        ),
        # ... or, at the start, the first word after it
        ([("(", ""), ("Hello world.", "Hello world.")], '<sub alias="Hello">(Hello</sub> world.'),
    ],
)
def test_text_spoken_as_nothing_never_gives_an_empty_alias(spans, expected):
    script = script_of(segment(*spans))
    for portable in (False, True):
        ssml = render_ssml(script, portable=portable)
        assert not EMPTY_ALIAS.search(ssml)
        body = re.search(r"<s[^>]*>(.*)</s>", ssml).group(1)
        assert body == expected
        assert spoken(parse_ssml(ssml)) == spoken(script)


def test_portable_drops_readaloud_markup_and_validates():
    script = script_of(segment(("The ", "The "), ("DPRK", "D P R K"), (" & <co>.", " & <co>.")))
    script.metadata = ArticleMeta(url="https://example.com/a")
    full = render_ssml(script)
    assert "ra:role" in full and "<metadata>" in full
    assert not SCHEMA.validate(etree.fromstring(full.encode()))  # SSML 1.0 has no extensions
    portable = render_ssml(script, portable=True)
    assert "ra:" not in portable and "metadata" not in portable and "urn:readaloud" not in portable
    root = etree.fromstring(portable.encode())
    SCHEMA.assertValid(root)
    assert root.get("version") == "1.0"
    assert spoken(parse_ssml(portable)) == spoken(script)


def test_portable_needs_the_ssml_format(tmp_path):
    source = tmp_path / "a.md"
    source.write_text("# Title\n\nSome text here.\n")
    result = CliRunner().invoke(main, ["script", str(source), "--portable"])
    assert result.exit_code == 2 and "--portable applies to --format ssml only" in result.output


@pytest.mark.skipif(not EXAMPLES, reason="../shared/examples is not beside this checkout")
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_every_shared_example_gives_valid_portable_ssml(path: Path):
    result = CliRunner().invoke(
        main, ["--quiet", "script", str(path), "--format", "ssml", "--portable"]
    )
    assert result.exit_code == 0, result.output
    root = etree.fromstring(result.stdout.encode("utf-8"))
    SCHEMA.assertValid(root)
    assert not EMPTY_ALIAS.search(result.stdout)
    assert root.xpath("//*[local-name()='s']")
