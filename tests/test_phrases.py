"""Reading phrases come from per-language data: a German article's structure is announced in
German, an English one exactly as before."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from conftest import ROOT

from readaloud.cli import main
from readaloud.document import FAQ, QA, Article, ListBlock, Quote, Table
from readaloud.script.phrases import Phrases
from readaloud.script.reading import build_script

SHARED_DE = ROOT.parent / "shared" / "examples" / "html" / "haus-de-faq-jsonld.de.html"


def article(language: str) -> Article:
    return Article(
        title="Hausbau",
        author="Ann Lee",
        date="2022-01-25",
        language=language,
        blocks=[
            Table(header=["Material", "Preis", ""], rows=[["Holz", "10 Euro", "gut"]] * 3),
            Table(header=[], rows=[["a", "b"], ["c", "d"]]),
            ListBlock(items=["Messen", "Bohren", "Schrauben"], ordered=True),
            FAQ(items=[QA("Wie lange dauert es?", "Einen Tag.")]),
            Quote(text="Gut gebaut.", attribution="Ein Meister"),
        ],
    )


def spoken(language: str) -> list[str]:
    script = build_script(article(language))
    return [s.text for _, s in script.segments() if s.text]


def test_a_german_article_announces_its_structure_in_german():
    text = spoken("de-DE")
    assert "Von Ann Lee." in text
    assert "Veröffentlicht am 25. Januar 2022." in text
    assert any(
        t.startswith("Eine Tabelle mit drei Spalten: Material, Preis und Spalte drei.")
        for t in text
    )
    assert "Eine Tabelle mit zwei Zeilen und zwei Spalten." in text
    assert "Zeile eins: a; b." in text
    assert "Eine Liste mit drei Einträgen." in text
    assert "Erstens: Messen." in text and "Drittens: Schrauben." in text
    assert "Frage: Wie lange dauert es?" in text and "Antwort: Einen Tag." in text
    assert "Zitat." in text and "Zitat Ende, Ein Meister." in text
    assert not any(word in " ".join(text) for word in ("Question", "Answer", "A table", "Column"))


def test_english_phrases_are_unchanged():
    text = spoken("en")
    assert "By Ann Lee." in text
    assert "A table with three columns: Material, Preis and Column three." in text
    assert "A table with two rows and two columns." in text
    assert "Row one: a; b." in text
    assert "A list of three items." in text
    assert "First: Messen." in text
    assert "Question: Wie lange dauert es?" in text and "Answer: Einen Tag." in text
    assert "End quote, Ein Meister." in text


def test_unknown_language_falls_back_to_english_and_counts_agree():
    phrases = Phrases("tlh")
    assert phrases.language == "en"
    assert phrases.say("table_more", 1) == "The table has one more row, not read here."
    assert phrases.say("table_more", 4) == "The table has four more rows, not read here."
    assert Phrases("de-AT").say("rows", 1) == "einer Zeile"


@pytest.mark.skipif(
    not SHARED_DE.is_file(), reason="../shared/examples is not beside this checkout"
)
def test_the_shared_german_faq_page_is_announced_in_german():
    result = CliRunner().invoke(main, ["--quiet", "script", str(SHARED_DE)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert sum(line.startswith("Frage: ") for line in lines) >= 3
    assert sum(line.startswith("Antwort: ") for line in lines) >= 3
    assert not any(line.startswith(("Question:", "Answer:", "A table", "A list")) for line in lines)
