"""One progress bar for a whole batch: utterances, audio, rate, ETA, and articles done/failed."""

from __future__ import annotations

import contextlib

from test_api import fake, fake_options  # noqa: F401  (the fake engine fixture)
from test_synth import FakeTTY

import readaloud
from readaloud.synth.progress import Progress

ARTICLE = "# {title}\n\nGreen tea needs cooler water. Black tea likes it hot.\n\n## More\n\nKeep it dry.\n"


def test_the_line_counts_articles_done_and_failed():
    stream = FakeTTY()
    bar = Progress(10, articles=3, stream=stream)
    assert "0/3 articles" in bar.line()
    bar.article_done()
    bar.advance(2.0, 4)
    bar.article_done(failed=True)
    line = bar.line()
    assert "4/10 utterances" in line and "2/3 articles (1 failed)" in line and "2.0 s audio" in line
    bar.close()


def test_one_article_shows_no_article_count():
    assert "articles" not in Progress(4, articles=1, stream=FakeTTY()).line()


def test_lines_printed_during_the_bar_stay_whole():
    stream = FakeTTY()
    bar = Progress(4, articles=2, stream=stream)
    bar.advance(1.0, 2)
    with bar.message():
        stream.write("wrote one\n")
    bar.advance(1.0, 2)
    bar.close()
    lines = [line.split("\r")[-1] for line in stream.getvalue().split("\n")]
    assert "wrote one" in lines


def test_a_batch_draws_one_bar_with_its_articles(tmp_path, fake):  # noqa: F811
    sources = []
    for name in ("tea", "coffee"):
        path = tmp_path / f"{name}.md"
        path.write_text(ARTICLE.format(title=name.title()), encoding="utf-8")
        sources.append(path)
    sources.append(tmp_path / "missing.md")
    options = fake_options(tmp_path, progress=True)
    stream = FakeTTY()
    with contextlib.redirect_stderr(stream):
        outcomes = readaloud.convert(
            sources,
            tmp_path / "out",
            options,
            on_outcome=lambda o: stream.write(f"done {o.status.value}\n"),
        )
    assert [o.status.value for o in outcomes] == ["converted", "converted", "failed"]
    text = stream.getvalue()
    assert "3/3 articles (1 failed)" in text and "utterances" in text and "ETA" in text
    lines = [line.split("\r")[-1] for line in text.split("\n")]
    assert lines.count("done converted") == 2 and lines.count("done failed") == 1


def test_without_a_terminal_a_batch_prints_no_bar(tmp_path, fake, capsys):  # noqa: F811
    path = tmp_path / "tea.md"
    path.write_text(ARTICLE.format(title="Tea"), encoding="utf-8")
    options = fake_options(tmp_path, progress=True)
    readaloud.convert([path, path.with_name("gone.md")], tmp_path / "out", options)
    assert "Synthesizing" not in capsys.readouterr().err
