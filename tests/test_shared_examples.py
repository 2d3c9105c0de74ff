"""Every real example page (../shared/examples, when present beside the checkout): its SSML parses
in the SSML namespace and, fed back in, gives the same spoken text. The pages are not copied into
the repository; without them these tests are skipped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ROOT

from readaloud.cli import main
from readaloud.script.ssml import SSML_NS

SHARED = ROOT.parent / "shared" / "examples"
FILES = (
    sorted(
        p
        for p in SHARED.rglob("*")
        if p.is_file()
        and p.suffix in {".html", ".md", ".txt"}
        and not (p.parent.name == "extraction" and p.suffix == ".txt")
        and ".expected." not in p.name
    )
    if SHARED.is_dir()
    else []
)


@pytest.mark.skipif(not FILES, reason="../shared/examples is not beside this checkout")
@pytest.mark.parametrize("path", FILES, ids=[p.name for p in FILES])
def test_ssml_parses_and_round_trips(path: Path, tmp_path):
    runner = CliRunner()
    text = runner.invoke(main, ["--quiet", "script", str(path), "--format", "text"])
    assert text.exit_code == 0, text.output
    ssml_path = tmp_path / "script.ssml"
    ssml = runner.invoke(
        main, ["--quiet", "script", str(path), "--format", "ssml", "-o", str(ssml_path)]
    )
    assert ssml.exit_code == 0, ssml.output
    root = ET.parse(ssml_path).getroot()
    assert root.tag == f"{{{SSML_NS}}}speak"
    assert root.get("version") == "1.1" and root.get("{http://www.w3.org/XML/1998/namespace}lang")
    again = runner.invoke(main, ["--quiet", "script", str(ssml_path), "--format", "text"])
    assert again.exit_code == 0, again.output
    assert again.output == text.output
