"""`readaloud convert` writes the player page and its embed (real Piper audio): sentence times
are the VTT cue times, the manifest lists the pages, `--no-html` skips them."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from lxml import html as lxml_html

from readaloud.cli import main

pytestmark = pytest.mark.slow

ARTICLE = """---
title: Garden Notes
author: Ada Writer
---
# Garden Notes

The roses opened early this year. Bees arrived soon after.

## Watering

| Plant | Water |
| --- | --- |
| Roses | Weekly |
| Ferns | Daily |

## Questions

- Mulch in spring.
- Prune in winter.
"""


def vtt_cues(text: str) -> list[tuple[int, int, str]]:
    cues = []
    for block in text.split("\n\n")[1:]:
        lines = block.strip().splitlines()
        match = re.match(r"(\d+):(\d+):(\d+)\.(\d+) --> (\d+):(\d+):(\d+)\.(\d+)", lines[0])
        h1, m1, s1, ms1, h2, m2, s2, ms2 = map(int, match.groups())
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + ms1
        end = ((h2 * 60 + m2) * 60 + s2) * 1000 + ms2
        cues.append((start, end, " ".join(lines[1:])))
    return cues


@pytest.fixture(scope="module")
def episode(tmp_path_factory):
    root = tmp_path_factory.mktemp("garden")
    source = root / "garden-notes.md"
    source.write_text(ARTICLE, encoding="utf-8")
    out = root / "out"
    result = CliRunner().invoke(main, ["--quiet", "convert", str(source), "-o", str(out)])
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "garden-notes.json").read_text())
    return source, out, manifest


def test_page_sentences_carry_the_vtt_times(episode):
    _, out, manifest = episode
    page = lxml_html.parse(str(out / "garden-notes.html")).getroot()
    sentences = page.xpath("//*[contains(@class, 'text')]//*[@data-start]")
    times = [
        (round(float(s.get("data-start")) * 1000), round(float(s.get("data-end")) * 1000))
        for s in sentences
    ]
    cues = vtt_cues((out / "garden-notes.vtt").read_text())
    assert times == [(start, end) for start, end, _ in cues]
    assert len({s.get("id") for s in sentences}) == len(sentences)
    # the article is real markup: the title, a table with header cells, a list
    assert page.xpath("//h1//text()")[0].startswith("Garden Notes")
    assert page.xpath("//table//th//text()")[:2] == ["Plant", "Water"]
    assert page.xpath("//ul/li")
    assert page.get("lang", "").startswith("en")
    chapters = page.xpath("//nav[@aria-label='Chapters']//a/@data-start")
    assert [round(float(t) * 1000) for t in chapters] == [
        c["start_ms"] for c in manifest["chapters"]
    ]


def test_manifest_lists_the_pages_and_the_page_links_the_files(episode):
    _, out, manifest = episode
    assert manifest["files"]["html"]["name"] == "garden-notes.html"
    assert manifest["files"]["embed"]["name"] == "garden-notes.embed.html"
    for key in ("html", "embed"):
        entry = manifest["files"][key]
        assert (out / entry["name"]).stat().st_size == entry["bytes"]
        assert entry["type"] == "text/html"
    page = lxml_html.parse(str(out / "garden-notes.html")).getroot()
    links = page.xpath("//section[@class='files']//a/@href")
    assert "garden-notes.mp3" in links and "garden-notes.vtt" in links


def test_no_html_skips_the_pages(episode, tmp_path):
    source, _, _ = episode
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main, ["--quiet", "convert", str(source), "-o", str(out), "--no-html"]
    )
    assert result.exit_code == 0, result.output
    assert (out / "garden-notes.mp3").is_file()
    assert not list(out.glob("*.html"))
    manifest = json.loads((out / "garden-notes.json").read_text())
    assert "html" not in manifest["files"] and "embed" not in manifest["files"]
