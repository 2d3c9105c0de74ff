"""Hostile input ends quickly and cleanly: exit 0, or exit 1 with one `Error:` line, nothing written.

Each case runs the real CLI in a child process with a 20 s limit and reads the child's peak RSS
(wait4), which must stay under 1 GB. READALOUD_HOSTILE_LIMIT_S raises the time limit on a
machine shared by many jobs; it is a hang guard, not a speed measurement (benchmarks/ does that).
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

LIMIT_S = float(os.environ.get("READALOUD_HOSTILE_LIMIT_S", "20"))
LIMIT_RSS_KB = 1024 * 1024
PROSE = "The committee met on Tuesday to discuss the budget for the coming year. " * 3


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    seconds: float
    rss_kb: int

    @property
    def lines(self) -> list[str]:
        return [line for line in self.stderr.splitlines() if line.strip()]


# The CLI is started by a small launcher, which reports its peak RSS: a child forked straight
# from pytest would report pytest's own size (Linux keeps the larger of the two across exec).
LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
with open(sys.argv[1], "w") as out:
    out.write(f"{os.waitstatus_to_exitcode(status)} {usage.ru_maxrss}")
"""


def run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> Run:
    """Run `python -m readaloud ARGS`, killed after LIMIT_S; its peak RSS from wait4."""
    out, err, report = cwd / ".stdout", cwd / ".stderr", cwd / ".rusage"
    command = [sys.executable, "-c", LAUNCHER, str(report), sys.executable, "-m", "readaloud"]
    with out.open("wb") as stdout, err.open("wb") as stderr:
        launcher = subprocess.Popen(
            [*command, *args],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=stdout,
            stderr=stderr,
            env={**os.environ, **(env or {})},
            start_new_session=True,
        )
        start = time.monotonic()
        try:
            launcher.wait(timeout=LIMIT_S)
        except subprocess.TimeoutExpired:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()
            pytest.fail(f"readaloud {' '.join(args)[:200]} ran over {LIMIT_S:.0f} s")
    code, rss_kb = map(int, report.read_text().split())
    result = Run(
        code,
        out.read_text("utf-8", "replace"),
        err.read_text("utf-8", "replace"),
        time.monotonic() - start,
        rss_kb,
    )
    for path in (out, err, report):
        path.unlink()
    assert result.rss_kb < LIMIT_RSS_KB, f"peak RSS {result.rss_kb // 1024} MB"
    return result


def files_in(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


def check_clean(run: Run, folder: Path, before: set[str], *, allow_ok: bool = True) -> None:
    """Exit 0 (when allowed), or exit 1 with exactly one `Error:` line and no new file."""
    if run.code == 0 and allow_ok:
        return
    assert run.code == 1, (run.code, run.stderr[-2000:])
    assert len(run.lines) == 1 and run.lines[0].startswith("Error: "), run.stderr[-2000:]
    assert "unexpected" not in run.lines[0], run.lines[0]
    assert files_in(folder) == before, files_in(folder) - before


def script(folder: Path, source: str, *extra: str, env: dict[str, str] | None = None) -> Run:
    return run_cli(["script", "-o", "out.txt", *extra, source], folder, env)


# --- Hangs and blow-ups -------------------------------------------------------------------------


def _laughs() -> str:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(["---", *lines, "title: *a9", "author: *a9", "---", "# Laughs", "", PROSE])


HOSTILE: dict[str, tuple[str, str]] = {
    # name: (file name, content)
    "yaml-billion-laughs": ("laughs.md", _laughs()),
    "spaces-before-a-word": (
        "spaces.txt",
        "Title\n\n" + " " * 200_000 + "word and more.\n" + PROSE,
    ),
    "spaces-mid-paragraph": ("spaces2.txt", "Title\n\nHello." + " " * 200_000 + "World.\n"),
    "html-table-100k-rows": (
        "table.html",
        "<html><body><article><h1>Rows</h1><p>"
        + PROSE
        + "</p><table><tr><th>Name</th><th>Value</th></tr>"
        + "".join(f"<tr><td>row {i}</td><td>{i}</td></tr>" for i in range(100_000))
        + "</table></article></body></html>",
    ),
    "markdown-table-100k-rows": (
        "table.md",
        "# Rows\n\n"
        + PROSE
        + "\n\n| Name | Value |\n|---|---|\n"
        + "".join(f"| row {i} | {i} |\n" for i in range(100_000)),
    ),
    "text-100k-lines": (
        "lines.txt",
        "Title\n\n"
        + "".join(
            f"This is line {('apple', 'river', 'stone', 'cloud')[i % 4]} of the text\n"
            for i in range(100_000)
        ),
    ),
    "hyphen-chain-100k-lines": ("hyphens.txt", "Title\n\n" + "ab-\n" * 100_000 + "cd.\n"),
    "comma-sentence-1mb": ("comma.txt", "Title\n\n" + "word, " * 175_000 + "\n"),
    "comma-no-space-1mb": ("comma2.txt", "Title\n\n" + "ab," * 350_000 + "\n"),
    "emphasis-10k-deep": ("emphasis.md", "# Deep\n\n" + "*a " * 10_000 + "x" + " a*" * 10_000),
    "links-10k-deep": ("links.md", "# Deep\n\n" + "[" * 10_000 + "x" + "](u)" * 10_000),
    "ssml-10k-deep": (
        "deep.ssml",
        '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis">'
        + "<prosody>" * 10_000
        + "Hi"
        + "</prosody>" * 10_000
        + "</speak>",
    ),
    "jsonld-50k-deep": (
        "jsonld.html",
        '<html><head><script type="application/ld+json">'
        + '{"a":' * 50_000
        + "1"
        + "}" * 50_000
        + f"</script></head><body><article><h1>Deep</h1><p>{PROSE}</p></article></body></html>",
    ),
    "front-matter-10k-deep": (
        "deepfm.md",
        "---\ntitle: " + "[" * 10_000 + "]" * 10_000 + "\n---\n" + PROSE,
    ),
    "html-comments-before-root": ("comments.txt", "<!-- x -->" * 20_000 + "\n" + PROSE),
    "brackets-50k": ("brackets.md", "# B\n\n" + "[" * 50_000 + "\n\n" + PROSE),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_input_ends_cleanly(name, tmp_path):
    file_name, content = HOSTILE[name]
    (tmp_path / file_name).write_text(content, encoding="utf-8")
    before = files_in(tmp_path)
    run = script(tmp_path, file_name)
    check_clean(run, tmp_path, before)
    if run.code == 0:
        assert (tmp_path / "out.txt").is_file()


@pytest.mark.parametrize("name", ["html-table-100k-rows", "markdown-table-100k-rows"])
def test_big_tables_are_summarised_with_their_true_size(name, tmp_path):
    file_name, content = HOSTILE[name]
    (tmp_path / file_name).write_text(content)
    run = script(tmp_path, file_name)
    assert run.code == 0, run.stderr
    spoken = (tmp_path / "out.txt").read_text()
    # 100,000 rows, 25 read: "99,975 more rows" however the number is spelt
    assert "ninety-nine thousand, nine hundred and seventy-five more rows" in spoken, spoken[-400:]
    assert spoken.count("Value:") == 25


@pytest.mark.parametrize("name", ["comma-sentence-1mb", "comma-no-space-1mb"])
def test_long_sentences_become_short_utterances(name, tmp_path):
    file_name, content = HOSTILE[name]
    (tmp_path / file_name).write_text(content)
    run = run_cli(["script", "--format", "json", "-o", "out.json", file_name], tmp_path)
    assert run.code == 0, run.stderr
    data = json.loads((tmp_path / "out.json").read_text())
    texts = [s["text"] for c in data["chapters"] for s in c["segments"]]
    assert len(texts) > 1000 and max(map(len, texts)) <= 300


def test_fifo_source_is_refused(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    before = files_in(tmp_path)
    run = script(tmp_path, "pipe.txt")
    check_clean(run, tmp_path, before, allow_ok=False)
    assert "not a regular file" in run.lines[0]


@pytest.mark.skipif(
    not (os.path.exists("/dev/zero") and stat.S_ISCHR(os.stat("/dev/zero").st_mode)),
    reason="/dev/zero is not a character device here",
)
def test_device_source_is_refused(tmp_path):
    before = files_in(tmp_path)
    run = script(tmp_path, "/dev/zero")
    check_clean(run, tmp_path, before, allow_ok=False)


def test_catastrophic_user_boilerplate_pattern_is_stopped(tmp_path):
    (tmp_path / "rules.toml").write_text('[lines]\ndrop = ["(a+)+$"]\n')
    (tmp_path / "a.txt").write_text("Title\n\n" + "a" * 50_000 + "!\n\n" + PROSE)
    before = files_in(tmp_path)
    run = script(tmp_path, "a.txt", "--boilerplate", "rules.toml")
    check_clean(run, tmp_path, before, allow_ok=False)
    assert "(a+)+$" in run.lines[0] and "rules.toml" in run.lines[0]


def test_built_in_boilerplate_rules_are_linear_on_50_kb_runs(tmp_path):
    """Every built-in pattern against 50 KB runs of the characters and words it is built from."""
    code = """
import re, sys, tomllib
from importlib import resources
data = tomllib.loads(resources.files("readaloud.data").joinpath("boilerplate.toml").read_text())
groups = [("lines", "drop"), ("sections", "drop"), ("fragments", "remove"), ("placeholders", "patterns")]
units = [" ", "a", "a ", ".", "-", "0", "1 ", ", ", "[", "{", "(", "<", "|", "%", "$", "#", "x/",
         "share ", "facebook ", "facebook | ", "ad ", "cookie ", "read more ", "[a]", "(a) ", "**"]
count = 0
for section, key in groups:
    for pattern in data.get(section, {}).get(key, []):
        rx = re.compile(pattern, re.I)
        for unit in units:
            text = (unit * (50_000 // len(unit) + 1))[:50_000] + "!"
            rx.fullmatch(text) if section in ("lines", "sections") else rx.sub("", text)
            count += 1
print(count)
"""
    child = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=LIMIT_S * 3
    )
    assert child.returncode == 0, child.stderr
    assert int(child.stdout) > 1000


# --- Errors a user can act on --------------------------------------------------------------------

SSML = '<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis"><p>{}</p></speak>'


@pytest.mark.parametrize(
    "name, args, files, expect",
    [
        ("name too long", ["x" * 300 + ".txt"], {}, "File name too long"),
        ("malformed IPv6 URL", ["http://[::1/page"], {}, "not a valid URL"),
        ("bad port", ["http://127.0.0.1:99999999/"], {}, "not a valid URL"),
        (
            "break 1.2.3",
            ["b.ssml"],
            {"b.ssml": SSML.format('Hi <break time="1.2.3s"/> there.')},
            "1.2.3s",
        ),
        (
            "break dot",
            ["b.ssml"],
            {"b.ssml": SSML.format('Hi <break time="."/> there.')},
            'time "."',
        ),
        (
            "break huge",
            ["b.ssml"],
            {"b.ssml": SSML.format('Hi <break time="9999999999s"/> x.')},
            "9999999999s",
        ),
        (
            "-o folder",
            ["-o", "sub", "a.txt"],
            {"a.txt": "Title\n\n" + PROSE, "sub/keep": ""},
            "folder",
        ),
        (
            "-o /proc",
            ["-o", "/proc/readaloud/out.txt", "a.txt"],
            {"a.txt": "Title\n\n" + PROSE},
            "/proc",
        ),
        (
            "-o name too long",
            ["-o", "y" * 300, "a.txt"],
            {"a.txt": "Title\n\n" + PROSE},
            "cannot write",
        ),
        (
            "boilerplate wrong types",
            ["--boilerplate", "r.toml", "a.txt"],
            {"r.toml": "lines = 3\n", "a.txt": "Title\n\n" + PROSE},
            "r.toml",
        ),
        (
            "boilerplate wrong item types",
            ["--boilerplate", "r.toml", "a.txt"],
            {"r.toml": "[lines]\ndrop = [1, 2]\n", "a.txt": "Title\n\n" + PROSE},
            "list of strings",
        ),
        (
            "PDF saved as .txt",
            ["doc.txt"],
            {"doc.txt": "\n%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"},
            "PDF",
        ),
    ],
)
def test_clear_error(name, args, files, expect, tmp_path):
    for file_name, content in files.items():
        (tmp_path / file_name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / file_name).write_text(content)
    before = files_in(tmp_path)
    run = run_cli(["script", *([] if "-o" in args else ["-o", "out.txt"]), *args], tmp_path)
    check_clean(run, tmp_path, before, allow_ok=False)
    assert expect in run.lines[0], run.lines[0]


def test_convert_into_an_unwritable_folder_fails_before_synthesis(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\n" + PROSE)
    before = files_in(tmp_path)
    run = run_cli(["convert", "-o", "/proc/readaloud-out", "a.txt"], tmp_path)
    check_clean(run, tmp_path, before, allow_ok=False)
    assert "/proc/readaloud-out" in run.lines[0]


def test_utf32_declaration_in_ssml_is_read(tmp_path):
    text = '<?xml version="1.0" encoding="UTF-32"?>\n' + SSML.format("Hello there.")
    (tmp_path / "a.ssml").write_bytes(text.encode("utf-32"))
    (tmp_path / "b.ssml").write_text(text)  # a declaration that lies about the encoding
    for name in ("a.ssml", "b.ssml"):
        run = run_cli(["script", name], tmp_path)
        assert run.code == 0 and "Hello there." in run.stdout, run.stderr


def test_huge_max_size_reads_normally(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\n" + PROSE)
    run = run_cli(["script", "--max-size", str(10**18), "a.txt"], tmp_path)
    assert run.code == 0 and "committee" in run.stdout, run.stderr


def test_unknown_engine_is_a_usage_error_in_script(tmp_path):
    (tmp_path / "a.txt").write_text("Title\n\n" + PROSE)
    run = run_cli(["script", "--engine", "nope", "a.txt"], tmp_path)
    assert run.code == 2 and "unknown engine 'nope'" in run.stderr and "piper" in run.stderr


def test_library_logs_are_silent_unless_debug(tmp_path):
    # htmldate/trafilatura log about the JSON-LD they cannot decode; readaloud reads the page.
    file_name, content = HOSTILE["jsonld-50k-deep"]
    (tmp_path / file_name).write_text(content)
    (tmp_path / "empty.html").write_text("<html><body></body></html>")
    quiet = run_cli(["script", file_name], tmp_path)
    assert quiet.code == 0 and quiet.lines == [], quiet.stderr
    empty = run_cli(["script", "empty.html"], tmp_path)
    assert empty.code == 1 and len(empty.lines) == 1, empty.stderr
    debug = run_cli(["--debug", "script", file_name], tmp_path)
    assert debug.code == 0 and debug.lines


def test_numbers_past_a_languages_largest_name_are_read_as_digits():
    from readaloud.script.normalize_words import _cached

    for lang in ("es", "ru", "it", "ja"):
        words = _cached(lang, "cardinal", int("9" * 70), False)
        assert len(words.split()) == 70, (lang, words[:80])
