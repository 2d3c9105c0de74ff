"""Reading rules: how each block kind sounds, and how chapters are formed."""

from __future__ import annotations

from readaloud.document import (
    FAQ,
    QA,
    Article,
    Callout,
    Code,
    Figure,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Table,
)
from readaloud.script.reading import ReadingSettings, build_script


def texts(script, role=None):
    return [s.text for _, s in script.segments() if role is None or s.role == role]


def script_of(*blocks, settings=None, **meta):
    meta.setdefault("title", "A Title")
    return build_script(Article(blocks=list(blocks), **meta), settings)


def test_intro_reads_title_author_and_date():
    script = script_of(Paragraph("Body text here."), author="Jane Roe", date="2025-09-04")
    spoken = texts(script)
    assert spoken[0] == "A Title."
    assert spoken[1] == "By Jane Roe."
    assert spoken[2].startswith("Published September")
    assert "twenty twenty-five" in spoken[2] or "2025" in spoken[2]


def test_intro_can_be_switched_off():
    script = script_of(
        Paragraph("Body text here."), settings=ReadingSettings(intro=False), author="X"
    )
    assert texts(script) == ["Body text here."]


def test_top_level_headings_make_chapters_and_deeper_ones_do_not():
    script = script_of(
        Paragraph("Lede."),
        Heading("First part", 2),
        Paragraph("One."),
        Heading("A detail", 3),
        Paragraph("Two."),
        Heading("Second part", 2),
        Paragraph("Three."),
    )
    assert [c.title for c in script.chapters] == ["A Title", "First part", "Second part"]
    assert "A detail" in texts(script, "heading")


def test_h1_equal_to_title_is_not_read_twice():
    script = script_of(
        Heading("A Title", 1), Paragraph("Body."), Heading("Part", 2), Paragraph("More.")
    )
    assert texts(script).count("A Title.") == 1
    assert [c.title for c in script.chapters] == ["A Title", "Part"]


def test_pause_before_and_after_heading():
    script = script_of(Paragraph("Lede."), Heading("Part", 2), Paragraph("Body."))
    segments = [s for _, s in script.segments()]
    lede = next(s for s in segments if s.text == "Lede.")
    heading = next(s for s in segments if s.role == "heading")
    assert lede.pause_after_ms >= 1000
    assert heading.pause_after_ms >= 500


def test_table_announces_shape_then_reads_rows_with_headers():
    table = Table(
        ["Leader", "Country", "Key Focus"],
        [
            ["Kim Jong Un", "North Korea", "Strengthening ties."],
            ["Xi Jinping", "China", "Stability"],
        ],
    )
    rows = texts(script_of(table, settings=ReadingSettings(intro=False)), "table")
    assert rows[0] == "A table with three columns: Leader, Country and Key Focus."
    assert rows[1] == "Kim Jong Un. Country: North Korea. Key Focus: Strengthening ties."
    assert rows[2] == "Xi Jinping. Country: China. Key Focus: Stability."


def test_large_table_is_summarised():
    table = Table(["N", "Square"], [[str(i), str(i * i)] for i in range(1, 41)])
    rows = texts(
        script_of(table, settings=ReadingSettings(intro=False, table_row_limit=5)), "table"
    )
    assert len(rows) == 1 + 5 + 1
    assert "thirty-five more rows" in rows[-1]


def test_layout_table_is_read_as_text():
    table = Table([], [["Just some text in a cell."]], layout=True)
    script = script_of(table, settings=ReadingSettings(intro=False))
    assert texts(script) == ["Just some text in a cell."]


def test_faq_reads_question_and_answer_with_pause_between_items():
    faq = FAQ(
        [QA("Is it free?", "Yes. It costs nothing."), QA("Does it work offline?", "It does.")]
    )
    segments = [s for _, s in script_of(faq, settings=ReadingSettings(intro=False)).segments()]
    assert [s.role for s in segments] == ["question", "answer", "answer", "question", "answer"]
    assert segments[0].text == "Question: Is it free?"
    assert segments[1].text == "Answer: Yes."
    assert segments[2].pause_after_ms >= 800


def test_lists_are_counted_and_ordered_lists_use_ordinals():
    script = script_of(
        ListBlock(["Mix the flour", "Add water"], ordered=True),
        settings=ReadingSettings(intro=False),
    )
    assert texts(script) == ["A list of two items.", "First: Mix the flour.", "Second: Add water."]


def test_quote_callout_image_and_code_defaults():
    script = script_of(
        Quote("Stay hungry.", attribution="Steve Jobs"),
        Callout("Pro Tip", "Back up your files."),
        Figure(alt="A red bicycle", caption="Our test bike"),
        Code("print(1)", "python"),
        settings=ReadingSettings(intro=False),
    )
    assert texts(script) == [
        "Quote.",
        "Stay hungry.",
        "End quote, Steve Jobs.",
        "Pro Tip.",
        "Back up your files.",
        "Image: A red bicycle. Our test bike.",
        "A code sample in python is skipped.",
    ]


def test_settings_skip_images_and_code_and_plain_quotes():
    settings = ReadingSettings(intro=False, images="skip", code="skip", quotes="plain")
    script = script_of(
        Quote("Stay hungry."),
        Figure(alt="A bike"),
        Code("x = 1"),
        Paragraph("End."),
        settings=settings,
    )
    assert texts(script) == ["Stay hungry.", "End."]


def test_label_paragraph_reads_label_first():
    script = script_of(
        Paragraph("China remains the largest partner.", label="Economic Cooperation"),
        settings=ReadingSettings(intro=False),
    )
    assert texts(script)[:2] == ["Economic Cooperation.", "China remains the largest partner."]


def test_paragraph_is_split_into_sentences():
    script = script_of(
        Paragraph("The U.S. said no. Talks go on. Will they end?"),
        settings=ReadingSettings(intro=False),
    )
    assert len(texts(script)) == 3


def test_script_json_round_trip():
    script = script_of(Paragraph("It rose 80% in 1990."), Heading("Part", 2), Paragraph("Done."))
    from readaloud.script.model import SpeechScript

    again = SpeechScript.from_json(script.to_json())
    assert again == script


def test_two_column_fact_box_reads_key_value_pairs():
    table = Table(
        ["Mozilla", ""], [["Founded", "1998"], ["Website", "mozilla.org"], ["Divisions", ""]]
    )
    rows = texts(script_of(table, settings=ReadingSettings(intro=False)), "table")
    assert rows[0] == "A table about Mozilla, with three rows."
    assert rows[1].startswith("Founded: ") and "Column" not in " ".join(rows)
    assert rows[3] == "Divisions."


def test_a_section_with_only_its_heading_is_not_a_chapter():
    script = script_of(
        Paragraph("Lede."),
        Heading("Watch the video", 2),
        Heading("Real part", 2),
        Paragraph("Body."),
    )
    assert [c.title for c in script.chapters] == ["A Title", "Real part"]
    assert "Watch the video" not in texts(script)
