"""Where an article's own image (front matter `image:`, `og:image`) may come from.

The reference is written by the article's author, who is not the user: a local article may
only name a picture inside its own folder (no absolute path, no `..`, no symlink out of it), a
web page's image is an http(s) URL, and an article read from stdin has no folder to look in.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urljoin, urlsplit

logger = logging.getLogger(__name__)


def article_image(image: str | None, source_name: str, source_url: str | None) -> str | None:
    """The usable form of the article's image: an http(s) URL, a checked absolute path, or None.

    A refused reference is logged as a warning that says why.
    """
    image = (image or "").strip()
    if not image or image.startswith("data:"):
        return None
    if source_url:
        url = urljoin(source_url, image)
        if urlsplit(url).scheme.lower() in ("http", "https"):
            return url
        return _refuse(image, "a web page's image must be an http(s) URL")
    scheme = urlsplit(image).scheme.lower()
    if scheme in ("http", "https"):
        return image
    if scheme == "file":
        image = unquote(urlsplit(image).path)
    elif len(scheme) > 1:
        return _refuse(image, f"{scheme}: links are not followed")
    if source_name in ("-", ""):
        return _refuse(image, "an article read from standard input has no folder to take it from")
    relative = PurePosixPath(image.replace(os.sep, "/"))
    if relative.is_absolute() or Path(image).is_absolute() or Path(image).drive:
        return _refuse(
            image, "an absolute path; only pictures in the article's own folder are used"
        )
    if ".." in relative.parts:
        return _refuse(image, "it leaves the article's folder ('..')")
    folder = Path(source_name).resolve().parent
    path = (folder / Path(*relative.parts)).resolve()
    if not path.is_relative_to(folder):
        return _refuse(image, "a link that points out of the article's folder")
    return str(path)


def _refuse(image: str, reason: str) -> None:
    logger.warning("The article image %s is not used: %s.", image[:200], reason)
    return None
