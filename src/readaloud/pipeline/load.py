"""Read one source up to its speech script: source -> article -> script, with the voice chosen.

`load_source` is what `readaloud script` and the planner of `convert` share; it returns the
script together with what later steps need (the article, the preset, the source's hash).
"""

from __future__ import annotations

import functools
import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from .._version import __version__
from ..document import Article
from ..errors import InputError
from ..options import ScriptOptions
from ..script.model import SpeechScript
from ..script.reading import build_script
from ..script.ssml import parse_ssml
from ..voices import VoicePreset


@dataclass(frozen=True)
class Loaded:
    """A source read up to the speech script."""

    script: SpeechScript
    article: Article | None
    """None for SSML input (it has no article)."""
    source_name: str
    source_url: str | None
    source_sha256: str
    preset: VoicePreset
    warnings: tuple[str, ...]


def lexicon_paths(preset: VoicePreset, extra: tuple[Path, ...] | list[Path]) -> list[Path]:
    """Built-in, user, preset and command-line lexicons, in order: later ones win."""
    from ..paths import config_dir

    builtin = Path(__file__).parents[1] / "data" / "lexicon.toml"
    user_dir = config_dir()
    paths = [builtin, user_dir / "lexicon.toml", user_dir / "lexicon.pls"]
    if preset.lexicon:
        paths.append(Path(preset.lexicon))
    existing = [p for p in paths if p.is_file()]
    missing = [p for p in extra if not p.is_file()]
    if missing:
        raise InputError(f"lexicon file not found: {missing[0]}")
    return existing + list(extra)


def _lexicon_for(preset: VoicePreset, options: ScriptOptions):
    paths = lexicon_paths(preset, options.lexicons)
    # Keyed by each file's identity, so a batch loads and compiles the lexicons once, and an
    # edited lexicon file is read again.
    return _merged_lexicon(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


@functools.lru_cache(maxsize=8)
def _merged_lexicon(files: tuple[tuple[str, int, int], ...]):
    from ..script.lexicon import Lexicon, load_lexicon

    lexicons = [load_lexicon(Path(name)) for name, _, _ in files]
    return Lexicon.merge(*lexicons) if lexicons else None


def load_source(source: str, options: ScriptOptions) -> Loaded:
    """Read `source` and turn it into a speech script for the chosen voice.

    A source in `options.feed_links` is fetched as a URL the article side asked for.
    """
    from ..script.normalize import NormalizeOptions
    from ..sources import parse_article, read_source
    from ..sources.image_ref import article_image
    from ..voices import resolve_preset

    raw = read_source(
        source,
        max_bytes=options.max_bytes,
        policy=options.fetch,
        requested_by="article" if source in options.feed_links else "user",
    )
    digest = hashlib.sha256(raw.data).hexdigest()
    voice = options.voice

    def preset_for(language: str | None):
        preset, warnings = resolve_preset(
            voice.preset, language=language, engine=voice.engine, voice=voice.voice, rate=voice.rate
        )
        return preset, tuple(warnings)

    if raw.kind == "ssml":
        script = parse_ssml(raw.text)
        script.language = options.language or script.language
        # An SSML file is as untrusted as any article: its image passes the same check.
        image = article_image(script.metadata.image, raw.name, raw.url)
        script.metadata = replace(script.metadata, image=image)
        preset, warnings = preset_for(script.language)
        return Loaded(script, None, raw.name, raw.url, digest, preset, warnings)

    article = parse_article(
        raw,
        extra_boilerplate=list(options.boilerplate) or None,
        table_rows=options.reading.table_row_limit,
    )
    article.image = article_image(article.image, raw.name, raw.url)
    article.language = options.language or article.language
    preset, warnings = preset_for(article.language)
    lexicon = _lexicon_for(preset, options)
    script = build_script(
        article,
        options.reading,
        lexicon=lexicon,
        normalize_options=NormalizeOptions(urls=options.urls),
    )
    if not script.chapters:
        raise InputError(f"{raw.name}: no text to speak was found.")
    return Loaded(script, article, raw.name, raw.url, digest, preset, warnings)


def episode_guid(loaded: Loaded) -> str:
    """A guid that stays the same when the same article is re-rendered after edits."""
    url = loaded.script.metadata.url or loaded.source_url
    if url:
        return url
    if loaded.source_name not in ("-", ""):
        key = "readaloud:file:" + Path(loaded.source_name).name
    else:
        key = "readaloud:title:" + loaded.script.title
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def settings_digest(script: SpeechScript, preset: VoicePreset, *parts: object) -> str:
    """Identity of everything that shapes the output: the exact script, the preset and the
    audio and publishing settings (dataclasses)."""
    payload = {
        "version": __version__,
        "script": script.to_dict(),
        "preset": asdict(preset),
        "settings": [{k: str(v) for k, v in asdict(part).items()} for part in parts],
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()
