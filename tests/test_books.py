"""EPUB 3 Media Overlays and DAISY 2.02 books from real episodes (Piper speech), checked with
EPUBCheck and the DAISY 2.02 requirements."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from book_tools import (
    OPF,
    epubcheck,
    extract,
    overlay_pars,
    parse_vtt,
    spine_documents,
)
from browser_support import browser  # noqa: F401  (the shared Chromium fixture)
from click.testing import CliRunner
from conftest import SEED

from readaloud.books.common import parse_clock
from readaloud.books.daisy_check import XHTML, check_daisy, metadata
from readaloud.cli import main

pytestmark = pytest.mark.slow

SMALL = Path(__file__).parent / "fixtures" / "books" / "small.md"
FLAGS = ("--epub", "--daisy", "--daisy-zip")


def convert(source: Path, out: Path, cache: Path, *flags: str) -> dict:
    result = CliRunner().invoke(
        main, ["--quiet", "convert", str(source), "-o", str(out), "--cache-dir", str(cache), *flags]
    )
    assert result.exit_code == 0, result.output
    manifests = [p for p in out.glob("*.json") if p.name.count(".") == 1]
    assert len(manifests) == 1
    return json.loads(manifests[0].read_text())


@pytest.fixture(scope="module")
def small(tmp_path_factory, synth_cache):
    out = tmp_path_factory.mktemp("small")
    return out, convert(SMALL, out, synth_cache, *FLAGS)


@pytest.fixture(scope="module")
def seed(tmp_path_factory, synth_cache):
    out = tmp_path_factory.mktemp("seed")
    return out, convert(SEED, out, synth_cache, *FLAGS)


def test_editions_are_listed_in_the_manifest(small):
    out, manifest = small
    slug = manifest["slug"]
    assert manifest["files"]["epub"]["name"] == f"{slug}.epub"
    assert manifest["files"]["daisy"]["name"] == f"{slug}.daisy/ncc.html"
    assert manifest["files"]["daisy_zip"]["name"] == f"{slug}.daisy.zip"
    for entry in manifest["files"].values():
        assert (out / entry["name"]).stat().st_size == entry["bytes"]
    assert not [p for p in out.rglob("*") if p.name.startswith(".")]  # no temp left over
    with zipfile.ZipFile(out / f"{slug}.epub") as book:
        first = book.infolist()[0]
        assert first.filename == "mimetype" and first.compress_type == zipfile.ZIP_STORED
        assert book.read("mimetype") == b"application/epub+zip"
        # The very bytes of the episode's loudness-normalized MP3: no second synthesis.
        assert book.read("EPUB/audio/episode.mp3") == (out / f"{slug}.mp3").read_bytes()
    assert (out / f"{slug}.daisy" / "episode.mp3").read_bytes() == (
        out / f"{slug}.mp3"
    ).read_bytes()
    with zipfile.ZipFile(out / f"{slug}.daisy.zip") as book:
        names = sorted(Path(n).name for n in book.namelist())
    assert names == sorted(p.name for p in (out / f"{slug}.daisy").iterdir())


def test_epubcheck_reports_nothing(small, seed, tmp_path):
    for out, manifest in (small, seed):
        counts, lines, version = epubcheck(out / manifest["files"]["epub"]["name"], tmp_path)
        assert version.startswith("5."), version
        assert not counts, "\n".join(lines)


def test_seed_overlays_match_the_transcript(seed, tmp_path):
    """Must show 2: a par per spoken sentence in reading order, clips equal to the VTT cues."""
    out, manifest = seed
    book = extract(out / manifest["files"]["epub"]["name"], tmp_path / "book")
    documents = spine_documents(book)
    pars = [p for _, smil in documents if smil for p in overlay_pars(smil)]
    cues = parse_vtt((out / manifest["files"]["vtt"]["name"]).read_text())
    sync = json.loads((out / manifest["files"]["sync"]["name"]).read_text())
    script = CliRunner().invoke(main, ["--quiet", "script", str(SEED), "--format", "json"])
    segments = [s for c in json.loads(script.output)["chapters"] for s in c["segments"]]
    assert len(pars) == len(segments) == len(sync["sentences"]) == 105
    assert [p[1] for p in pars] == [s["id"] for s in sync["sentences"]]
    # A long sentence may be several VTT cues: its par spans first-cue-start..last-cue-end.
    assert [(p[2], p[3]) for p in pars] == group_cues(cues, [p[3] for p in pars])
    assert len(cues) >= len(pars)
    sentences = json.loads((out / manifest["files"]["transcript"]["name"]).read_text())
    spans = [
        (round(c["startTime"] * 1000), round(c["endTime"] * 1000)) for c in sentences["segments"]
    ]
    assert [(p[2], p[3]) for p in pars] == spans  # the JSON transcript: one cue per sentence
    for (_, fragment, _, _), sentence, segment in zip(
        pars, sync["sentences"], segments, strict=True
    ):
        assert sentence["id"] == fragment and sentence["role"] == segment["role"]
    # Each par points into the document whose overlay it is, at an existing id.
    for document, smil in documents:
        ids = set(re.findall(r'id="([^"]+)"', document.read_text()))
        assert {p[1] for p in overlay_pars(smil)} <= ids
        assert {p[0] for p in overlay_pars(smil)} == {document.name}

    opf = ET.parse(book / "EPUB" / "package.opf").getroot()
    durations = {
        m.get("refines"): parse_clock(m.text)
        for m in opf.iter(f"{OPF}meta")
        if m.get("property") == "media:duration"
    }
    total = durations.pop(None)
    assert len(durations) == 12 and sum(durations.values()) == total
    assert abs(total - manifest["duration_ms"]) <= 50
    assert [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "media:active-class"]
    identifier = opf.find(f"{OPF}metadata/{{http://purl.org/dc/elements/1.1/}}identifier")
    assert identifier.text == manifest["guid"]

    content = "".join(doc.read_text() for doc, _ in documents)
    table = re.search(r"<table.*?</table>", content, re.S).group()
    assert re.findall(r'<th scope="col">([^<]+)</th>', table) == ["Leader", "Country", "Key Focus"]
    assert content.count("<dt>") == 5 and content.count("<dd>") == 5


def group_cues(cues: list[tuple[int, int, str]], ends: list[int]) -> list[tuple[int, int]]:
    """Consecutive VTT cues joined up to each of `ends`: (first start, last end) per group."""
    groups, queue = [], list(cues)
    for end in ends:
        start = queue[0][0]
        while queue and queue[0][1] < end:
            queue.pop(0)
        last = queue.pop(0)[1] if queue else None
        groups.append((start, last))
    return groups


def test_seed_daisy_book(seed):
    """Must show 3: the NCC lists every chapter at its level, linking to its start."""
    out, manifest = seed
    folder = out / f"{manifest['slug']}.daisy"
    assert check_daisy(folder) == []
    ncc = ET.parse(folder / "ncc.html").getroot()
    headings = [e for e in ncc.find(f"{XHTML}body") if re.match(rf"{re.escape(XHTML)}h\d", e.tag)]
    chapters = manifest["chapters"]
    assert [h.find(f"{XHTML}a").text for h in headings] == [c["title"] for c in chapters]
    assert [h.tag[-2:] for h in headings] == ["h1"] + ["h2"] * (len(chapters) - 1)
    for heading, chapter in zip(headings, chapters, strict=True):
        name, _, par_id = heading.find(f"{XHTML}a").get("href").partition("#")
        smil = ET.parse(folder / name).getroot()
        par = next(p for p in smil.iter("par") if p.get("id") == par_id)
        assert abs(parse_clock(par.find("audio").get("clip-begin")) - chapter["start_ms"]) <= 1
    total = metadata(ncc)["ncc:totalTime"][0]
    hours, minutes, seconds = (int(x) for x in total.split(":"))
    assert abs((hours * 3600 + minutes * 60 + seconds) * 1000 - manifest["duration_ms"]) <= 1000


def test_daisy_checks_catch_broken_books(small, tmp_path):
    out, manifest = small
    original = out / f"{manifest['slug']}.daisy"
    assert check_daisy(original) == []

    def broken(edit) -> list[str]:
        folder = tmp_path / f"book{len(list(tmp_path.iterdir()))}"
        shutil.copytree(original, folder)
        edit(folder)
        return check_daisy(folder)

    def replace(name: str, old: str, new: str, count: int = 1):
        def edit(folder: Path):
            path = folder / name
            text = path.read_text()
            assert old in text, old
            path.write_text(text.replace(old, new, count))

        return edit

    assert any(
        "ncc:totalTime" in p
        for p in broken(replace("ncc.html", 'name="ncc:totalTime"', 'name="x"'))
    )
    assert any("does not exist" in p for p in broken(replace("s0001.smil", "#s1-1", "#nowhere")))
    assert any("missing" in p for p in broken(lambda f: (f / "s0002.smil").unlink()))
    assert any(
        "start where" in p
        for p in broken(replace("s0002.smil", 'clip-begin="npt=', 'clip-begin="npt=1'))
    )

    def deeper(folder: Path):
        path = folder / "ncc.html"
        path.write_text(re.sub(r"<h2( [^>]*>.*?)</h2>", r"<h3\1</h3>", path.read_text(), count=1))

    assert any("skipped" in p for p in broken(deeper))
    assert any("ncc:files" in p for p in broken(lambda f: (f / "extra.txt").write_text("x")))


def test_editions_for_an_existing_episode_need_no_synthesis(tmp_path, synth_cache):
    out = tmp_path / "out"
    manifest = convert(SMALL, out, synth_cache)
    assert "epub" not in manifest["files"]
    audio = out / manifest["files"]["audio"]["name"]
    stamp = audio.stat().st_mtime_ns
    again = convert(SMALL, out, synth_cache, "--epub")
    assert "epub" in again["files"] and audio.stat().st_mtime_ns == stamp
    assert again["settings_sha256"] == manifest["settings_sha256"]
    # A re-render keeps the book it had, made again from the new audio (never a stale one).
    forced = convert(SMALL, out, synth_cache, "--force")
    assert audio.stat().st_mtime_ns != stamp and "epub" in forced["files"]
    with zipfile.ZipFile(out / forced["files"]["epub"]["name"]) as book:
        assert book.read("EPUB/audio/episode.mp3") == audio.read_bytes()


def test_first_content_document_in_chromium(browser, small, seed, tmp_path):  # noqa: F811
    """Must show 4: Debian's Chromium renders the first content document as XHTML with its
    headings and table, and every id its overlay names is in the DOM."""
    for name, (out, manifest) in (("small", small), ("seed", seed)):
        book = extract(out / manifest["files"]["epub"]["name"], tmp_path / name)
        document, smil = spine_documents(book)[0]
        page = browser.new_page()
        page.goto(document.as_uri())
        assert page.evaluate("document.contentType") == "application/xhtml+xml"
        title = page.locator("h1")
        assert title.is_visible() and title.inner_text() == manifest["title"]
        ids = [par[1] for par in overlay_pars(smil)]
        assert ids
        missing = page.evaluate("ids => ids.filter(id => !document.getElementById(id))", ids)
        assert missing == []
        # The reading system's highlight: the active class is styled by the book's CSS.
        color = page.evaluate(
            """id => { const e = document.getElementById(id); e.classList.add('ra-active');
            return getComputedStyle(e).backgroundColor; }""",
            ids[0],
        )
        assert color == "rgb(253, 224, 71)"
        if name == "small":
            headers = page.locator("table thead th[scope=col]")
            assert headers.all_inner_texts() == ["Light", "Colour", "Range"]
            assert page.locator("table").is_visible()
            assert page.locator("table tbody tr").count() == 2
        page.close()


def test_daisy_needs_mp3(tmp_path):
    result = CliRunner().invoke(
        main, ["convert", str(SMALL), "-o", str(tmp_path), "--daisy", "--format", "m4b"]
    )
    assert result.exit_code == 2 and "--daisy needs --format mp3" in result.output
    assert not list(tmp_path.iterdir())
