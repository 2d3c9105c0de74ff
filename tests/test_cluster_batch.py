"""A batch on a real Dask LocalCluster (2 worker processes) gives what a local run gives."""

from __future__ import annotations

import contextlib
import json
import re
import sys
import xml.etree.ElementTree as ET

import pytest

pytest.importorskip("distributed", reason="needs the cluster extra: pip install -e '.[test]'")

from cluster_articles import write_articles  # noqa: E402
from test_synth import FakeTTY  # noqa: E402

import readaloud  # noqa: E402
from readaloud.cluster import DaskRunner  # noqa: E402
from readaloud.cluster.worker import voice_loads  # noqa: E402
from readaloud.options import ConvertOptions, SynthOptions  # noqa: E402
from readaloud.publish.feed import FeedSettings, write_feed  # noqa: E402

pytestmark = pytest.mark.slow

FEED = FeedSettings(
    base_url="https://pod.example.com/ep/",
    title="Cluster test",
    category="News",
    image="https://pod.example.com/art.png",
    author="Ann Lee",
    owner_name="Ed",
    owner_email="ed@example.com",
    description="Articles.",
)


def batch(sources, out, cache, runner=None, progress=None):
    """Convert, then refresh the feed, as `readaloud convert --feed` does. `progress`: a
    terminal-like stream for the progress bar (None: no bar)."""
    options = ConvertOptions(synth=SynthOptions(cache_dir=cache, progress=progress is not None))
    with contextlib.redirect_stderr(progress or sys.stderr):
        outcomes = readaloud.convert(sources, out, options, runner=runner)
    write_feed(out, FEED)
    return outcomes


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    work = tmp_path_factory.mktemp("cluster-batch")
    # Piper's durations vary from run to run (about 3 % a sentence, measured): 32 sentences
    # an article keep the 2 % comparison below from failing by chance.
    sources = write_articles(work / "articles", sentences=15)
    local = batch(sources, work / "local", work / "cache-local")
    with DaskRunner.open("local", workers=2) as runner:
        bar = FakeTTY()
        cluster = batch(sources, work / "cluster", work / "cache-cluster", runner, bar)
        loads = runner.client.run(voice_loads)
        again = batch(sources, work / "cluster-again", work / "cache-cluster", runner)
    return {
        "work": work,
        "local": local,
        "cluster": cluster,
        "loads": loads,
        "again": again,
        "bar": bar.getvalue(),
    }


def manifests(folder):
    found = {p.name: json.loads(p.read_text()) for p in sorted(folder.glob("*.json"))}
    return {name: data for name, data in found.items() if "manifest_version" in data}


def cue_texts(vtt: str) -> list[str]:
    """The words of a WebVTT file without its timings."""
    blocks = vtt.strip().split("\n\n")[1:]
    return [" ".join(line for line in b.splitlines() if "-->" not in line) for b in blocks]


def test_every_article_converted_on_the_cluster(runs):
    statuses = [o.status.value for o in runs["cluster"]]
    assert statuses == ["converted"] * 3, [o.detail for o in runs["cluster"]]
    assert [o.status.value for o in runs["local"]] == ["converted"] * 3


def test_same_files_chapters_transcripts_and_durations_as_a_local_run(runs):
    local_dir, cluster_dir = runs["work"] / "local", runs["work"] / "cluster"
    assert sorted(p.name for p in cluster_dir.iterdir()) == sorted(
        p.name for p in local_dir.iterdir()
    )
    local, cluster = manifests(local_dir), manifests(cluster_dir)
    assert local.keys() == cluster.keys() and len(local) == 3
    for name, mine in cluster.items():
        theirs = local[name]
        assert mine["guid"] == theirs["guid"]
        assert [c["title"] for c in mine["chapters"]] == [c["title"] for c in theirs["chapters"]]
        assert abs(mine["duration_ms"] - theirs["duration_ms"]) <= 0.02 * theirs["duration_ms"]
        vtt = mine["files"]["vtt"]["name"]
        assert cue_texts((cluster_dir / vtt).read_text()) == cue_texts(
            (local_dir / vtt).read_text()
        )


def test_same_feed_as_a_local_run(runs):
    def items(folder):
        root = ET.parse(folder / "feed.xml").getroot()
        duration = "{http://www.itunes.com/dtds/podcast-1.0.dtd}duration"
        return [
            (
                item.findtext("guid"),
                item.findtext("title"),
                item.find("enclosure").get("url"),
                int(item.findtext(duration)),
            )
            for item in root.iter("item")
        ]

    local, cluster = items(runs["work"] / "local"), items(runs["work"] / "cluster")
    assert [i[:3] for i in cluster] == [i[:3] for i in local] and len(local) == 3
    for mine, theirs in zip(cluster, local, strict=True):
        # whole seconds in the feed: 2 %, plus 1 s of rounding
        assert abs(mine[3] - theirs[3]) <= 0.02 * theirs[3] + 1


def test_the_cluster_run_draws_the_same_progress_bar(runs):
    bar = runs["bar"]
    assert "Synthesizing" in bar and "3/3 articles" in bar and "ETA" in bar
    total = re.findall(r"(\d+)/(\d+) utterances", bar)[-1]
    assert total[0] == total[1] and int(total[1]) > 3 * 20


def test_each_worker_loaded_the_voice_once(runs):
    loads = runs["loads"]
    assert len(loads) == 2
    # both workers synthesized, and neither loaded the voice more than once
    assert sorted(load.get("piper") for load in loads.values()) == [1, 1], loads


def test_a_rerun_on_the_cluster_synthesizes_nothing_cached(runs):
    again = runs["again"]
    assert [o.status.value for o in again] == ["converted"] * 3
    assert sum(o.synthesized for o in again) == 0
    assert all(o.cached > 0 for o in again)


def test_no_partial_files(runs):
    for folder in ("local", "cluster"):
        names = [p.name for p in (runs["work"] / folder).iterdir()]
        assert not [n for n in names if re.search(r"\.part$|^\.", n)]
