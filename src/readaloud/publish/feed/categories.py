"""Apple Podcasts categories (as data) and the parsing of "Category/Subcategory" settings."""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# Apple Podcasts category list (2019 revision). Unknown names are warned about, not refused,
# because Apple revises the list now and then.
APPLE_CATEGORIES: dict[str, tuple[str, ...]] = {
    "Arts": (
        "Books",
        "Design",
        "Fashion & Beauty",
        "Food",
        "Performing Arts",
        "Visual Arts",
    ),
    "Business": (
        "Careers",
        "Entrepreneurship",
        "Investing",
        "Management",
        "Marketing",
        "Non-Profit",
    ),
    "Comedy": ("Comedy Interviews", "Improv", "Stand-Up"),
    "Education": ("Courses", "How To", "Language Learning", "Self-Improvement"),
    "Fiction": ("Comedy Fiction", "Drama", "Science Fiction"),
    "Government": (),
    "History": (),
    "Health & Fitness": (
        "Alternative Health",
        "Fitness",
        "Medicine",
        "Mental Health",
        "Nutrition",
        "Sexuality",
    ),
    "Kids & Family": ("Education for Kids", "Parenting", "Pets & Animals", "Stories for Kids"),
    "Leisure": (
        "Animation & Manga",
        "Automotive",
        "Aviation",
        "Crafts",
        "Games",
        "Hobbies",
        "Home & Garden",
        "Video Games",
    ),
    "Music": ("Music Commentary", "Music History", "Music Interviews"),
    "News": (
        "Business News",
        "Daily News",
        "Entertainment News",
        "News Commentary",
        "Politics",
        "Sports News",
        "Tech News",
    ),
    "Religion & Spirituality": (
        "Buddhism",
        "Christianity",
        "Hinduism",
        "Islam",
        "Judaism",
        "Religion",
        "Spirituality",
    ),
    "Science": (
        "Astronomy",
        "Chemistry",
        "Earth Sciences",
        "Life Sciences",
        "Mathematics",
        "Natural Sciences",
        "Nature",
        "Physics",
        "Social Sciences",
    ),
    "Society & Culture": (
        "Documentary",
        "Personal Journals",
        "Philosophy",
        "Places & Travel",
        "Relationships",
    ),
    "Sports": (
        "Baseball",
        "Basketball",
        "Cricket",
        "Fantasy Sports",
        "Football",
        "Golf",
        "Hockey",
        "Rugby",
        "Running",
        "Soccer",
        "Swimming",
        "Tennis",
        "Volleyball",
        "Wilderness",
        "Wrestling",
    ),
    "Technology": (),
    "True Crime": (),
    "TV & Film": ("After Shows", "Film History", "Film Interviews", "Film Reviews", "TV Reviews"),
}


def _canonical(name: str, choices) -> str | None:
    folded = name.casefold()
    return next((c for c in choices if c.casefold() == folded), None)


def parse_category(text: str) -> tuple[str, str | None]:
    """Split "News/Tech News" into ("News", "Tech News"), fixing the case of known names.

    A category Apple does not list is kept as written, with a warning.
    """
    main, _, sub = (part.strip() for part in text.partition("/"))
    known = _canonical(main, APPLE_CATEGORIES)
    if known is None:
        logger.warning("Category %r is not in Apple's list; Apple Podcasts may reject it", main)
        return main, sub or None
    if not sub:
        return known, None
    known_sub = _canonical(sub, APPLE_CATEGORIES[known])
    if known_sub is None:
        logger.warning("%r is not an Apple subcategory of %r", sub, known)
        return known, sub
    return known, known_sub
