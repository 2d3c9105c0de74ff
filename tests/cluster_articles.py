"""Three small articles for the cluster tests: two chapters each, a few packets each."""

from __future__ import annotations

from pathlib import Path

TOPICS = {
    "harbour": ("The Old Harbour", "Boats", "Fish market"),
    "orchard": ("An Orchard in Spring", "Blossom", "Bees"),
    "library": ("The Night Library", "Readers", "Lamps"),
}


def _sentences(topic: str, part: str, count: int) -> str:
    return " ".join(f"Fact {n} on the {part.lower()} of the {topic}." for n in range(1, count + 1))


def write_articles(folder: Path, sentences: int = 5) -> list[str]:
    """Write the articles as Markdown files (`sentences` per chapter); return their paths in
    batch order."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, (title, first, second) in TOPICS.items():
        text = (
            f"---\ntitle: {title}\nauthor: Ann Lee\ndate: 2025-05-01\n---\n\n"
            f"{_sentences(name, 'start', 2)}\n\n"
            f"## {first}\n\n{_sentences(name, first, sentences)}\n\n"
            f"## {second}\n\n{_sentences(name, second, sentences)}\n"
        )
        path = folder / f"{name}.md"
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    return paths
