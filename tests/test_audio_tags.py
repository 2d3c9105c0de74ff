"""Tags and chapters: ID3v2.3 frames in time order (mutagen and ffmpeg agree), M4B chapters."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest
from ffmpeg_oracle import ffmpeg_chapters
from mutagen.id3 import ID3

from readaloud.audio import encode as enc
from readaloud.audio.chapters_read import format_chapters, read_chapters
from readaloud.audio.tags import EpisodeTags, image_type, write_mp3_tags, write_mp4_tags
from readaloud.audio.timeline import ChapterMark
from readaloud.errors import AudioError, InputError
from readaloud.ffmpeg import run_ffmpeg
from readaloud.langtags import iso639_2


@pytest.fixture(scope="module")
def tone_wav(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("tone") / "tone.wav"
    run_ffmpeg(["-f", "lavfi", "-i", "sine=f=440:d=6:r=22050", "-ac", "1", str(path)])
    return path


def marks(titles: list[str], total_ms: int = 6000) -> list[ChapterMark]:
    step = total_ms // len(titles)
    starts = [i * step for i in range(len(titles))]
    ends = [*starts[1:], total_ms]
    return [ChapterMark(t, s, e) for t, s, e in zip(titles, starts, ends, strict=True)]


def raw_frame_ids(path: Path) -> list[tuple[str, bytes]]:
    """(frame id, frame body) in file order, read straight from the ID3v2.3 tag bytes."""
    data = path.read_bytes()
    assert data[:3] == b"ID3" and data[3] == 3
    size = (data[6] << 21) | (data[7] << 14) | (data[8] << 7) | data[9]
    body, pos, frames = data[10 : 10 + size], 0, []
    while pos + 10 <= len(body) and body[pos] != 0:
        (length,) = struct.unpack(">I", body[pos + 4 : pos + 8])
        frames.append((body[pos : pos + 4].decode(), body[pos + 10 : pos + 10 + length]))
        pos += 10 + length
    return frames


def test_chapter_frames_are_written_in_time_order(tmp_path, tone_wav):
    mp3 = tmp_path / "ep.mp3"
    enc.encode(tone_wav, mp3, enc.EncodeSettings())
    # Titles of very different lengths: mutagen alone would order the CHAP frames by size.
    titles = ["A much longer first chapter title than the rest", "B", "Medium title C", "D!"]
    chapters = marks(titles)
    chapters[1].url = "https://example.com/article#b"
    cover = tmp_path / "cover.png"
    run_ffmpeg(["-f", "lavfi", "-i", "color=c=red:s=16x16", "-frames:v", "1", str(cover)])
    tags = EpisodeTags(
        title="Episode",
        artist="Author",
        album="Site",
        date="2025-09-04",
        language="en-US",
        description="About it",
        url="https://example.com/article",
        cover=cover,
    )
    write_mp3_tags(mp3, tags, chapters)

    frames = raw_frame_ids(mp3)
    ids = [frame_id for frame_id, _ in frames]
    chap_bodies = [body for frame_id, body in frames if frame_id == "CHAP"]
    starts = [
        struct.unpack(">I", b[b.index(b"\0") + 1 : b.index(b"\0") + 5])[0] for b in chap_bodies
    ]
    assert starts == [c.start_ms for c in chapters]
    assert ids.count("CTOC") == 1 and ids.index("CTOC") < ids.index("CHAP")
    assert ids[0] == "TIT2" and ids[-1] == "APIC"
    assert "TYER" in ids and "TDAT" in ids and "TDRC" not in ids  # v2.3 date frames

    id3 = ID3(mp3)
    assert id3.version == (2, 3, 0)
    (toc,) = id3.getall("CTOC")
    assert toc.element_id == "toc" and int(toc.flags) == 0x03
    assert toc.child_element_ids == [f"chp{i}" for i in range(4)]
    assert id3["TPE1"].text == ["Author"] and id3["TALB"].text == ["Site"]
    assert str(id3["TDRC"].text[0]) == "2025-09-04" and id3["TLAN"].text == ["eng"]
    assert id3["TCON"].text == ["Podcast"] and id3["TSSE"].text[0].startswith("readaloud ")
    assert id3.getall("COMM")[0].text == ["About it"]
    assert id3["WOAS"].url == "https://example.com/article"
    assert id3.getall("APIC")[0].mime == "image/png"

    back = read_chapters(mp3)
    assert back == chapters
    assert [(c.title, c.start_ms, c.end_ms) for c in ffmpeg_chapters(mp3)] == [
        (c.title, c.start_ms, c.end_ms) for c in chapters
    ]


def test_more_than_255_chapters_use_nested_tables(tmp_path, tone_wav):
    mp3 = tmp_path / "many.mp3"
    enc.encode(tone_wav, mp3, enc.EncodeSettings())
    chapters = marks([f"Chapter {n}" for n in range(300)])
    write_mp3_tags(mp3, EpisodeTags(title="Many"), chapters)
    id3 = ID3(mp3)
    tops = [t for t in id3.getall("CTOC") if t.flags & 0x02]
    assert len(tops) == 1 and tops[0].child_element_ids == ["toc1", "toc2"]
    assert read_chapters(mp3) == chapters
    ff = ffmpeg_chapters(mp3)
    assert [c.start_ms for c in ff] == [c.start_ms for c in chapters]


def test_m4b_chapters_and_tags(tmp_path, tone_wav):
    m4b = tmp_path / "ep.m4b"
    chapters = marks(["One = first; #1", "Two \\ second\nline"])
    settings = enc.EncodeSettings(format="m4b")
    enc.encode(tone_wav, m4b, settings, chapters=chapters)
    write_mp4_tags(m4b, EpisodeTags(title="Book", artist="Me", language="de"))
    back = read_chapters(m4b)
    assert [c.title for c in back] == ["One = first; #1", "Two \\ second\nline"]
    assert [c.start_ms for c in back] == [0, 3000]
    assert abs(back[-1].end_ms - 6000) <= 50
    from mutagen.mp4 import MP4

    tags = MP4(m4b).tags
    assert tags["\xa9nam"] == ["Book"] and tags["\xa9ART"] == ["Me"]
    assert bytes(tags["----:com.apple.iTunes:LANGUAGE"][0]) == b"ger"


def test_ffmetadata_escapes_special_characters():
    text = enc.ffmetadata([ChapterMark("a=b;c#d\\e\nf", 0, 1500)], {"title": "T=1"})
    assert text.splitlines()[0] == ";FFMETADATA1"
    assert "title=T\\=1" in text
    assert "TIMEBASE=1/1000\nSTART=0\nEND=1500\ntitle=a\\=b\\;c\\#d\\\\e\\\nf\n" in text


def test_read_chapters_errors(tmp_path, tone_wav):
    with pytest.raises(InputError, match="does not exist"):
        read_chapters(tmp_path / "nope.mp3")
    text = tmp_path / "notes.mp3"
    text.write_text("not audio at all")
    with pytest.raises(InputError):
        read_chapters(text)
    bare = tmp_path / "bare.mp3"
    enc.encode(tone_wav, bare, enc.EncodeSettings())
    with pytest.raises(InputError, match="no chapters"):
        read_chapters(bare)


def test_format_chapters_table():
    table = format_chapters(
        [ChapterMark("Intro", 0, 61_000), ChapterMark("End", 61_000, 3_725_500)]
    )
    assert table.splitlines() == [
        "1  00:00:00.000  00:01:01.000  Intro",
        "2  00:01:01.000  01:02:05.500  End",
    ]


def test_cover_must_be_jpeg_or_png(tmp_path):
    gif = tmp_path / "c.gif"
    gif.write_bytes(b"GIF89a....")
    with pytest.raises(InputError, match="JPEG or PNG"):
        image_type(gif)
    jpg = tmp_path / "c.jpg"
    jpg.write_bytes(b"\xff\xd8\xff\xe0rest")
    assert image_type(jpg) == "image/jpeg"


def test_language_codes():
    assert iso639_2("en") == "eng" and iso639_2("de-DE") == "ger" and iso639_2("pt_BR") == "por"
    assert iso639_2("fra") == "fra" and iso639_2("") == "und" and iso639_2("xx") == "und"


def test_bad_settings_are_clear_errors():
    with pytest.raises(AudioError, match="format"):
        enc.EncodeSettings(format="ogg")
    with pytest.raises(AudioError, match="Channels"):
        enc.EncodeSettings(channels=6)
