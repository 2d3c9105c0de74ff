"""Reading sources: paths, stdin, kind sniffing, encodings and every bad input."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from readaloud.errors import InputError
from readaloud.sources import load_article, read_source
from readaloud.sources.decode import decode_bytes
from readaloud.sources.sniff import choose_kind, sniff_kind

HTML = "<!DOCTYPE html><html><head><title>T</title></head><body><p>Hello there.</p></body></html>"
SSML = (
    '<?xml version="1.0"?>\n<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis"'
    ' xml:lang="en-US"><p>Hi</p></speak>'
)
MARKDOWN = "---\ntitle: X\n---\n# Heading\n\nSome [link](http://x.y) text.\n"
TEXT = "A Title\n\nJust some plain words in a paragraph.\n"


def write(tmp_path: Path, name: str, data: bytes | str) -> str:
    path = tmp_path / name
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)
    return str(path)


@pytest.mark.parametrize(
    ("name", "content", "kind"),
    [
        ("a.html", HTML, "html"),
        ("a.md", MARKDOWN, "markdown"),
        ("a.txt", TEXT, "text"),
        ("a.ssml", SSML, "ssml"),
        ("noext", HTML, "html"),
        ("noext2", MARKDOWN, "markdown"),
        ("noext3", SSML, "ssml"),
        ("noext4", TEXT, "text"),
        ("lies.txt", HTML, "html"),
        ("lies.html", TEXT, "text"),
        ("lies.md", SSML, "ssml"),
        ("lies.ssml", MARKDOWN, "markdown"),
        ("plain.md", TEXT, "markdown"),  # plain text is valid Markdown: keep the declaration
    ],
)
def test_kind(tmp_path, name, content, kind):
    raw = read_source(write(tmp_path, name, content))
    assert raw.kind == kind
    assert raw.data == content.encode()
    assert raw.name.endswith(name)


def test_sniff_helpers():
    assert sniff_kind("<p>One</p><p>Two</p><div>Three</div>") == "html"
    assert sniff_kind('News">\nWorld">\nPlain text here.') == "text"
    assert (
        choose_kind("## A\n\n| a | b |\n|---|---|\n| 1 | 2 |\n```\nx\n```\n", "text") == "markdown"
    )
    assert choose_kind("Hello **world**", "text") == "text"


def test_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(TEXT.encode())))
    raw = read_source("-")
    assert raw.kind == "text" and raw.name == "-" and raw.text == TEXT


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ("\ufeffCafé déjà vu".encode(), "Café déjà vu"),
        ("Café déjà vu".encode("utf-16"), "Café déjà vu"),
        (
            "Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve".encode("cp1252"),
            "Café “quoted” – naïve",
        ),
        ("Straße und Grüße".encode(), "Straße und Grüße"),
    ],
)
def test_encodings(data, expected):
    assert decode_bytes(data) == expected


def test_meta_charset_wins_over_guessing():
    page = '<html><head><meta charset="windows-1251"></head><body>Привет</body></html>'
    assert "Привет" in decode_bytes(page.encode("cp1251"))
    page = (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
        "</head><body>Caf\u00e9</body></html>"
    )
    assert "Café" in decode_bytes(page.encode("latin-1"))


def test_header_charset_used_after_meta():
    data = "Grüße aus Köln".encode("cp1252")
    assert decode_bytes(data, header_charset="windows-1252") == "Grüße aus Köln"
    # Valid UTF-8 under a wrong latin-1/ascii header is read as UTF-8.
    assert decode_bytes("Grüße".encode(), header_charset="ascii") == "Grüße"


def test_cp1252_file_end_to_end(tmp_path):
    text = "Weather Report\n\nIt\u2019s 25\u00b0C in M\u00fcnchen today \u2013 sunny and warm.\n"
    article = load_article(write(tmp_path, "w.txt", text.encode("cp1252")))
    assert article.title == "Weather Report"
    assert "It's 25°C in München today – sunny and warm." in article.blocks[0].text


def one_line(exc: pytest.ExceptionInfo) -> str:
    message = str(exc.value)
    assert "\n" not in message
    return message


def test_missing_path(tmp_path):
    with pytest.raises(InputError) as exc:
        read_source(str(tmp_path / "nope.txt"))
    assert "does not exist" in one_line(exc)


def test_directory(tmp_path):
    with pytest.raises(InputError) as exc:
        read_source(str(tmp_path))
    assert "is a directory" in one_line(exc)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t ", b"\xef\xbb\xbf\n"])
def test_empty(tmp_path, content):
    with pytest.raises(InputError) as exc:
        read_source(write(tmp_path, "empty.txt", content))
    assert "is empty" in one_line(exc)


def test_png(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256))
    with pytest.raises(InputError) as exc:
        read_source(write(tmp_path, "picture.html", png))
    assert "PNG image" in one_line(exc)


def test_binary_with_nuls(tmp_path):
    with pytest.raises(InputError) as exc:
        read_source(write(tmp_path, "blob.txt", bytes(range(256)) * 20))
    assert "binary" in one_line(exc)


def test_undecodable(tmp_path):
    # Control bytes that no text encoding turns into prose.
    junk = bytes([0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0E, 0x0F, 0x10, 0x11, 0x81, 0x8D]) * 50
    with pytest.raises(InputError) as exc:
        read_source(write(tmp_path, "junk.txt", junk))
    assert "cannot decode" in one_line(exc)


def test_too_large(tmp_path):
    path = write(tmp_path, "big.txt", "word " * 1000)
    with pytest.raises(InputError) as exc:
        read_source(path, max_bytes=100)
    assert "100 byte limit" in one_line(exc)
    assert read_source(path, max_bytes=5000).kind == "text"


def test_too_large_stdin(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"x" * 500)))
    with pytest.raises(InputError, match="standard input is larger"):
        read_source("-", max_bytes=100)


def test_ssml_is_not_an_article(tmp_path):
    with pytest.raises(InputError, match="SSML"):
        load_article(write(tmp_path, "a.ssml", SSML))
