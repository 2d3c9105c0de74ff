"""The Python API: `readaloud.convert` and `readaloud.make_script`, the unit of work a runner
executes, and the README's example run as written."""

from __future__ import annotations

import inspect
import os
import pickle
import re
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest
from conftest import ROOT
from engine_fakes import FakeEngine

import readaloud
from readaloud.engines.registry import register_engine, unregister_engine
from readaloud.errors import InputError, UsageError
from readaloud.synth.cache import ClipStore

ARTICLE = "# Tea Notes\n\nGreen tea needs cooler water. Black tea likes it hot.\n\n## Storing\n\nKeep it dry.\n"


@pytest.fixture
def fake():
    register_engine("fake", FakeEngine)
    yield
    unregister_engine("fake")


def fake_options(tmp_path: Path, **synth) -> readaloud.ConvertOptions:
    return readaloud.ConvertOptions(
        script=readaloud.ScriptOptions(voice=readaloud.VoiceOptions(engine="fake")),
        audio=readaloud.AudioSettings(normalize=False),
        synth=readaloud.SynthOptions(cache_dir=tmp_path / "cache", **synth),
    )


def test_signatures_are_typed_and_exported():
    convert = inspect.signature(readaloud.convert)
    assert list(convert.parameters)[:3] == ["sources", "output_dir", "options"]
    assert "list[Outcome]" in str(convert.return_annotation)
    make = inspect.signature(readaloud.make_script)
    assert list(make.parameters) == ["source", "options"]
    assert "SpeechScript" in str(make.return_annotation)
    assert {o.value for o in readaloud.Status} == {"converted", "up to date", "failed"}


def test_options_are_immutable():
    options = readaloud.ConvertOptions()
    with pytest.raises(FrozenInstanceError):
        options.force = True  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        options.audio.bitrate = "96k"  # type: ignore[misc]


def test_make_script_reads_a_markdown_file(tmp_path):
    source = tmp_path / "tea.md"
    source.write_text(ARTICLE, encoding="utf-8")
    script = readaloud.make_script(source)
    assert isinstance(script, readaloud.SpeechScript)
    assert script.title == "Tea Notes"
    assert "Keep it dry." in script.to_text()
    with pytest.raises(InputError):
        readaloud.make_script(tmp_path / "missing.md")


def test_a_batch_collects_failures_and_goes_on(tmp_path, fake):
    good = tmp_path / "tea.md"
    good.write_text(ARTICLE, encoding="utf-8")
    missing = tmp_path / "missing.md"
    seen = []
    outcomes = readaloud.convert(
        [good, missing], tmp_path / "out", fake_options(tmp_path), on_outcome=seen.append
    )
    assert [o.status for o in outcomes] == [readaloud.Status.CONVERTED, readaloud.Status.FAILED]
    assert sorted(o.source for o in seen) == sorted(str(p) for p in (good, missing))
    done, failed = outcomes
    assert done.files["audio"].is_file() and done.manifest.is_file()
    assert done.synthesized > 0 and done.error is None
    assert isinstance(failed.error, InputError) and "missing.md" in failed.detail
    assert readaloud.exit_code(outcomes) == 1
    assert readaloud.exit_code([failed]) == failed.error.exit_code
    again = readaloud.convert([good], tmp_path / "out", fake_options(tmp_path))
    assert again[0].status is readaloud.Status.UP_TO_DATE
    assert readaloud.exit_code(again) == 0


def test_no_source_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError):
        readaloud.convert([], tmp_path)


def test_a_long_article_is_planned_into_packets_that_pickle(tmp_path, fake):
    text = "# Long\n\n" + " ".join(f"Sentence number {n} is here." for n in range(35)) + "\n"
    (tmp_path / "long.md").write_text(text, encoding="utf-8")
    options = fake_options(tmp_path)
    store = ClipStore(tmp_path / "cache")
    plan = readaloud.plan_article(
        str(tmp_path / "long.md"), tmp_path / "out", options, store, readaloud.SlugBook(), "a1"
    )
    assert isinstance(plan, readaloud.ArticlePlan)
    sizes = [len(p.utterances) for p in plan.packets]
    assert len(sizes) >= 4 and max(sizes) <= 10
    assert sum(sizes) == len({u.key for u in plan.utterances.values()})
    packet = pickle.loads(pickle.dumps(plan.packets[0]))
    # what a remote worker does: no cache of its own, the audio comes back in memory
    result = readaloud.synthesize_packet(packet, None, inline_audio=True)
    result = pickle.loads(pickle.dumps(result))
    assert result.error is None and result.synthesized == len(packet.utterances)
    assert all(pcm.samples > 0 for _, pcm in result.clips)


class RemoteLikeRunner:
    """A runner whose workers share nothing with the client: audio comes back as PCM."""

    def __init__(self) -> None:
        self.packets = 0

    def synthesize(self, packets, cache_dir, jobs):
        for packet in reversed(packets):  # completion order is not submission order
            self.packets += 1
            yield readaloud.synthesize_packet(
                pickle.loads(pickle.dumps(packet)), None, inline_audio=True
            )


def test_another_runner_gives_the_same_episode(tmp_path, fake):
    text = "# Same\n\n" + " ".join(f"Line {n} of the piece." for n in range(25)) + "\n"
    (tmp_path / "same.md").write_text(text, encoding="utf-8")
    local = readaloud.convert([tmp_path / "same.md"], tmp_path / "a", fake_options(tmp_path))
    runner = RemoteLikeRunner()
    remote = readaloud.convert(
        [tmp_path / "same.md"], tmp_path / "b", fake_options(tmp_path / "other"), runner=runner
    )
    assert runner.packets >= 3
    a, b = local[0].files, remote[0].files
    assert a["audio"].read_bytes() == b["audio"].read_bytes()
    assert a["vtt"].read_text() == b["vtt"].read_text()


def readme_example() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Python API", 1)[1].split("\n## ", 1)[0]
    return re.search(r"```python\n(.*?)```", section, re.S).group(1)


@pytest.mark.slow
def test_the_readme_python_example_runs_as_written(tmp_path, capsys):
    code = readme_example()
    cwd = os.getcwd()
    os.chdir(tmp_path)
    try:
        exec(compile(code, "README.md", "exec"), {"__name__": "__readme__"})
    finally:
        os.chdir(cwd)
    printed = capsys.readouterr().out
    audio = sorted((tmp_path / "episodes").glob("*.mp3"))
    assert len(audio) == 1 and audio[0].stat().st_size > 1000
    assert "converted" in printed
    assert (tmp_path / "episodes" / audio[0].with_suffix(".json").name).is_file()
