"""`readaloud script` end to end on the seed article, and bad input through the CLI."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner

from readaloud.cli import main
from readaloud.script.ssml import SSML_NS

JUNK = [
    "Home »",
    "Leave a Comment",
    "Share your comments",
    "Adblock",
    "AdBlocker",
    "Akismet",
    'News">',
    'Parade">',
    "LocationofMeeting",
    "insert if known",
    "You may also like",
]


def run(*args, input=None):
    result = CliRunner().invoke(main, list(args), input=input)
    return result


@pytest.fixture(scope="module")
def seed_text(request):
    from conftest import SEED

    result = run("script", str(SEED), "--format", "text")
    assert result.exit_code == 0, result.output
    return result.output


def test_seed_text_has_no_junk(seed_text):
    for junk in JUNK:
        assert junk.lower() not in seed_text.lower(), junk


def test_seed_reads_table_row_by_row(seed_text):
    assert "A table with three columns: Leader, Country and Key Focus." in seed_text
    rows = [line for line in seed_text.splitlines() if re.match(r"^[A-Z][\w ]+\. Country: ", line)]
    assert [row.split(". Country: ")[1].split(".")[0] for row in rows] == [
        "North Korea",
        "China",
        "Russia",
    ]
    assert "Key Focus: Strengthening ties with China" in rows[0]


def test_seed_reads_five_faq_items(seed_text):
    questions = [line for line in seed_text.splitlines() if line.startswith("Question: ")]
    answers = [line for line in seed_text.splitlines() if line.startswith("Answer: ")]
    assert len(questions) == 5 and len(answers) == 5


def test_seed_has_one_chapter_per_section_heading():
    from conftest import SEED

    result = run("script", str(SEED), "--format", "json")
    script = json.loads(result.output)
    titles = [c["title"] for c in script["chapters"]]
    for heading in [
        "Strategic Meetings and Bilateral Relations",
        "A Shift in Alliances?",
        "Key Players and Potential Realignments",
        "The Evolving Geopolitics of Northeast Asia",
        "Key Discussion Points & Agreements",
        "Economic Impact: Trade and Investment Trends",
    ]:
        assert heading in titles
    assert len(titles) == len(set(titles)) >= 10
    assert script["author"] == "Omar El Sayed"


def test_ssml_output_round_trips_to_the_same_text(tmp_path, seed_text):
    from conftest import SEED

    out = tmp_path / "seed.ssml"
    assert run("script", str(SEED), "--format", "ssml", "-o", str(out)).exit_code == 0
    root = ET.parse(out).getroot()
    assert root.tag == f"{{{SSML_NS}}}speak"
    again = run("script", str(out), "--format", "text")
    assert again.exit_code == 0, again.output
    assert again.output == seed_text


def test_stdin_is_read_and_sniffed():
    result = run("script", "-", input="# Hello\n\nSome text here in a paragraph.\n")
    assert result.exit_code == 0, result.output
    assert "Some text here in a paragraph." in result.output


@pytest.mark.parametrize(
    "make",
    [
        lambda d: d / "missing.txt",
        lambda d: d,
        lambda d: _write(d / "empty.txt", b""),
        lambda d: _write(d / "image.png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4),
        lambda d: _write(
            d / "bad.txt", b"\xff\xfe\x00\xd8\x00\xdc" * 50 + b"\x00\x00\x81\x8d" * 50
        ),
        lambda d: _write(
            d / "nav.html", b"<html><body><nav><a href='/'>Home</a></nav></body></html>"
        ),
        lambda d: _write(d / "bad.ssml", b"<speak version='1.1'><p>unclosed</speak>"),
    ],
    ids=["missing", "directory", "empty", "binary", "undecodable", "no-article", "malformed-ssml"],
)
def test_bad_input_gives_one_line_error_and_writes_nothing(tmp_path, make):
    source = make(tmp_path)
    out = tmp_path / "out" / "script.txt"
    result = CliRunner().invoke(main, ["script", str(source), "-o", str(out)])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    assert "Traceback" not in result.output
    assert not out.exists()


def test_unreachable_url_is_one_line_error():
    result = run("script", "http://127.0.0.1:9/article.html")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and len(result.output.strip().splitlines()) == 1


def test_usage_error_exits_2():
    assert run("script").exit_code == 2
    assert run("script", "x", "--format", "pdf").exit_code == 2


def _write(path, data: bytes):
    path.write_bytes(data)
    return path


def test_publisher_boilerplate_file_extends_the_built_in_rules(tmp_path):
    article = tmp_path / "a.md"
    article.write_text(
        "# Title Here\n\nA real paragraph about the harbour and its boats.\n\n"
        "Brought to you by Acme Widgets, the best widgets in town.\n\nAnother real paragraph here.\n"
    )
    rules = tmp_path / "site.toml"
    rules.write_text("[lines]\ndrop = ['brought to you by .*']\n")
    plain = run("script", str(article))
    assert "Acme Widgets" in plain.output
    cleaned = run("script", str(article), "--boilerplate", str(rules))
    assert cleaned.exit_code == 0, cleaned.output
    assert "Acme Widgets" not in cleaned.output and "Another real paragraph here." in cleaned.output


def test_explain_lists_changes_on_stderr():
    from conftest import SEED

    result = CliRunner().invoke(main, ["script", str(SEED), "--explain", "-o", "/dev/null"])
    assert result.exit_code == 0
    assert '"1950-1953" -> "nineteen fifty to nineteen fifty-three"' in result.output
    assert '"80th" -> "eightieth"' in result.output


@pytest.mark.parametrize(
    "args", [["--bitrate", "banana"], ["--bitrate", "999k"], ["--sample-rate", "12345"]]
)
def test_bad_audio_options_are_usage_errors_before_any_work(tmp_path, args):
    from conftest import SEED

    result = run("convert", str(SEED), "-o", str(tmp_path / "out"), *args)
    assert result.exit_code == 2
    assert not (tmp_path / "out").exists()


def test_output_to_a_device_writes_into_it_and_never_replaces_it(tmp_path, seed_path):
    """`-o /dev/null` as root must not turn /dev/null into a plain file (tested on a private
    device node, which needs root)."""
    import os
    import stat

    device = tmp_path / "null"
    try:
        os.mknod(device, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
    except (PermissionError, OSError) as exc:
        pytest.skip(f"cannot make a device node here ({exc}); needs root")
    result = CliRunner().invoke(main, ["--quiet", "script", str(seed_path), "-o", str(device)])
    assert result.exit_code == 0, result.output
    assert stat.S_ISCHR(device.stat().st_mode)
    assert not list(tmp_path.glob("*.part"))
