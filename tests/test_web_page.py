"""The player page and its embed as documents: self-contained, chapter links, controls, links."""

from __future__ import annotations

import re

import pytest
from lxml import html as lxml_html

from readaloud.audio.timeline import ChapterMark
from readaloud.publish.manifest import FileEntry
from readaloud.web.page import PlayerPage, embed_page, episode_page

ARTICLE = (
    '<h1><span id="s1" data-start="0.000" data-end="1.500">A &lt;Title&gt;</span></h1>'
    '<p><span id="s2" data-start="1.500" data-end="4.000">First sentence.</span></p>'
    '<h2><span id="s3" data-start="4.000" data-end="5.000">Second</span></h2>'
)


def make_page(**overrides) -> PlayerPage:
    values = dict(
        slug="a-title",
        title="A <Title> & more",
        audio_name="a title.mp3",
        audio_type="audio/mpeg",
        duration_ms=65_432,
        article_html=ARTICLE,
        language="en-GB",
        chapters=[ChapterMark("Opening", 0, 4000), ChapterMark("Second", 4000, 65_432)],
        author="Ada",
        url="https://news.example.org/a",
        site_name="Example News",
        files={
            "audio": FileEntry("a title.mp3", 123_456, "0", "audio/mpeg"),
            "vtt": FileEntry("a-title.vtt", 900, "0", "text/vtt"),
            "epub": FileEntry("a-title.epub", 45_000, "0", "application/epub+zip"),
        },
    )
    values.update(overrides)
    return PlayerPage(**values)


@pytest.fixture(params=[episode_page, embed_page], ids=["page", "embed"])
def document(request):
    text = request.param(make_page())
    return text, lxml_html.document_fromstring(text)


def test_page_is_self_contained(document):
    text, doc = document
    assert text.startswith("<!DOCTYPE html>")
    assert doc.get("lang") == "en-GB"
    assert not doc.xpath("//script[@src] | //link[@rel='stylesheet'] | //img | //iframe")
    assert doc.xpath("//style") and doc.xpath("//script")
    # the only absolute URL is the link to the original article (a link, never loaded)
    urls = [u for u in doc.xpath("//@href | //@src") if re.match(r"[a-z]+:", u)]
    assert set(urls) <= {"https://news.example.org/a", "data:,"}
    assert doc.xpath("//link[@rel='icon']/@href") == ["data:,"]  # no /favicon.ico request


def test_chapter_links_are_media_fragments_of_the_audio(document):
    _, doc = document
    nav = doc.xpath("//nav[@aria-label='Chapters']")
    assert len(nav) == 1
    links = nav[0].xpath(".//a")
    assert [a.text_content() for a in links] == ["Opening", "Second"]
    assert [a.get("href") for a in links] == ["a%20title.mp3#t=0.000", "a%20title.mp3#t=4.000"]
    assert [a.get("data-start") for a in links] == ["0.000", "4.000"]


def test_audio_works_without_script_and_controls_are_buttons(document):
    _, doc = document
    audio = doc.xpath("//audio")[0]
    assert audio.get("controls") is not None and audio.get("src") == "a%20title.mp3"
    assert audio.get("data-duration") == "65.432"
    panel = doc.get_element_by_id("controls")
    assert panel.get("hidden") is not None  # revealed by the script
    names = [b.text_content() for b in panel.xpath(".//button")]
    assert names == ["Play", "Back 15 s", "Forward 15 s", "Previous chapter", "Next chapter"]
    speeds = [float(o.get("value")) for o in doc.xpath("//select[@id='speed']/option")]
    assert min(speeds) == 0.75 and max(speeds) == 3 and speeds == sorted(speeds)
    assert doc.xpath("//label[@for='speed']") and doc.xpath("//label[@for='seek']")


def test_text_is_escaped_and_sentences_kept(document):
    text, doc = document
    assert "A &lt;Title&gt; &amp; more" in text
    assert [s.get("id") for s in doc.xpath("//*[@id='text']//*[@data-start]")] == [
        "s1",
        "s2",
        "s3",
    ]


def test_live_region_names_the_first_chapter(document):
    _, doc = document
    now = doc.get_element_by_id("now")
    assert now.get("aria-live") == "polite"
    assert now.text_content() == "Chapter 1 of 2: Opening"


def test_page_links_to_the_published_files_and_the_source():
    doc = lxml_html.document_fromstring(episode_page(make_page()))
    files = doc.xpath("//section[@class='files']//a")
    labels = {a.get("href"): a.text_content() for a in files}
    assert labels["a%20title.mp3"] == "Audio (MP3)"
    assert labels["a-title.epub"].startswith("EPUB 3")
    assert labels["a-title.vtt"] == "Transcript (WebVTT)"
    assert labels["https://news.example.org/a"] == "Read it on Example News"
    assert "daisy" not in " ".join(labels)  # only files that exist are offered
    assert doc.xpath("//a[@class='skip']/@href") == ["#text"]
    assert doc.xpath("//p[@id='keys']//kbd")  # the shortcuts are announced in the page


def test_embed_links_to_the_full_page_and_is_not_indexed():
    doc = lxml_html.document_fromstring(embed_page(make_page()))
    assert doc.xpath("//h1/a/@href") == ["a-title.html"]
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]
    assert doc.xpath("//body/@class") == ["embed"]


def test_page_without_chapters_has_no_chapter_nav():
    doc = lxml_html.document_fromstring(episode_page(make_page(chapters=[])))
    assert not doc.xpath("//nav")
    assert doc.get_element_by_id("now").text_content() == "Chapter 1 of 1: A <Title> & more"
