"""The pipeline: source -> article -> speech script -> audio -> episode files.

`make_script` covers the first three stages (what `readaloud script` prints); `convert_one`
runs everything for one source and skips work whose inputs and settings did not change.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
import tempfile
import threading
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import __version__
from .document import Article
from .errors import InputError, ReadaloudError
from .script.model import SpeechScript
from .script.reading import ReadingSettings, build_script
from .script.ssml import parse_ssml

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000


@dataclass
class ScriptOptions:
    """Everything that decides the speech script."""

    max_bytes: int = DEFAULT_MAX_BYTES
    boilerplate: list[Path] = field(default_factory=list)
    lexicons: list[Path] = field(default_factory=list)
    reading: ReadingSettings = field(default_factory=ReadingSettings)
    urls: str = "domain"
    language: str | None = None
    """Overrides the article's language."""


@dataclass
class VoiceOptions:
    """Which voice speaks: a preset name, or an engine and a voice, and the rate."""

    preset: str | None = None
    engine: str | None = None
    voice: str | None = None
    rate: float | None = None


@dataclass
class Loaded:
    """A source read up to the speech script."""

    script: SpeechScript
    article: Article | None
    source_name: str
    source_url: str | None
    source_sha256: str
    preset: object
    warnings: list[str]


def lexicon_paths(preset, extra: list[Path]) -> list[Path]:
    """Built-in, user, preset and command-line lexicons, in order: later ones win."""
    from .paths import config_dir

    builtin = Path(__file__).parent / "data" / "lexicon.toml"
    user_dir = config_dir()
    paths = [builtin, user_dir / "lexicon.toml", user_dir / "lexicon.pls"]
    if getattr(preset, "lexicon", None):
        paths.append(Path(preset.lexicon))
    existing = [p for p in paths if p.is_file()]
    missing = [p for p in extra if not p.is_file()]
    if missing:
        raise InputError(f"lexicon file not found: {missing[0]}")
    return existing + list(extra)


def _lexicon_for(preset, options: ScriptOptions):
    paths = lexicon_paths(preset, options.lexicons)
    # Keyed by each file's identity, so a batch loads and compiles the lexicons once, and an
    # edited lexicon file is read again.
    return _merged_lexicon(tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in paths))


@functools.lru_cache(maxsize=8)
def _merged_lexicon(files: tuple[tuple[str, int, int], ...]):
    from .script.lexicon import Lexicon, load_lexicon

    lexicons = [load_lexicon(Path(name)) for name, _, _ in files]
    return Lexicon.merge(*lexicons) if lexicons else None


def make_script(source: str, options: ScriptOptions, voice: VoiceOptions) -> Loaded:
    """Read `source` and turn it into a speech script for the chosen voice."""
    from .script.normalize import NormalizeOptions
    from .sources import parse_article, read_source
    from .voices import resolve_preset

    raw = read_source(source, max_bytes=options.max_bytes)
    digest = hashlib.sha256(raw.data).hexdigest()

    def preset_for(language: str | None):
        return resolve_preset(
            voice.preset, language=language, engine=voice.engine, voice=voice.voice, rate=voice.rate
        )

    if raw.kind == "ssml":
        script = parse_ssml(raw.text)
        script.language = options.language or script.language
        preset, warnings = preset_for(script.language)
        return Loaded(script, None, raw.name, raw.url, digest, preset, warnings)

    article = parse_article(raw, extra_boilerplate=options.boilerplate or None)
    article.image = _local_image(article.image, raw)
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


def _local_image(image: str | None, raw) -> str | None:
    """A relative image path in a local article is made absolute (it may become the cover)."""
    if not image or "://" in image or image.startswith("data:") or raw.url or raw.name == "-":
        return image
    path = Path(image)
    if not path.is_absolute():
        path = Path(raw.name).resolve().parent / path
    return str(path)


def episode_guid(loaded: Loaded) -> str:
    """A guid that stays the same when the same article is re-rendered after edits."""
    url = loaded.script.metadata.get("url") or loaded.source_url
    if url:
        return url
    if loaded.source_name not in ("-", ""):
        key = "readaloud:file:" + Path(loaded.source_name).name
    else:
        key = "readaloud:title:" + loaded.script.title
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, key)}"


def settings_digest(script: SpeechScript, preset, episode_options) -> str:
    """Identity of everything that shapes the output audio: the exact script and all settings."""
    payload = {
        "version": __version__,
        "script": script.to_dict(),
        "preset": asdict(preset),
        "episode": {k: str(v) for k, v in asdict(episode_options).items()},
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


@dataclass
class Outcome:
    """What happened to one source in a convert run."""

    source: str
    status: str
    """"converted", "up to date" or "failed"."""
    manifest: Path | None = None
    detail: str = ""
    synthesized: int = 0
    cached: int = 0


@dataclass
class SynthOptions:
    cache_dir: Path | None = None
    use_cache: bool = True
    jobs: int | None = None
    progress: bool = True


def _up_to_date(manifest_path: Path, identity: dict) -> bool:
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if manifest.get("settings_sha256") != identity["settings_sha256"]:
        return False
    if manifest.get("source_sha256") != identity["source_sha256"]:
        return False
    files = manifest.get("files", {}).values()
    out_dir = manifest_path.parent
    return all(
        (out_dir / f["name"]).is_file() and (out_dir / f["name"]).stat().st_size == f["bytes"]
        for f in files
    )


def _fetch_cover(image: str | None, folder: Path) -> Path | None:
    """The article's image, fetched along with a web page, as the cover when it is JPEG/PNG."""
    if not image or not image.startswith(("http://", "https://")):
        return None
    from .audio.tags import image_type
    from .sources.fetch import fetch_url

    try:
        fetched = fetch_url(image, max_bytes=5_000_000, timeout=10.0)
        path = folder / "cover"
        path.write_bytes(fetched.data)
        image_type(path)
    except ReadaloudError as exc:
        logger.warning("The article image is not used as cover: %s", exc)
        return None
    return path


_slug_lock = threading.Lock()
_reserved: dict[tuple[Path, str], str] = {}


def _reserve_slug(title: str, out_dir: Path, guid: str) -> str:
    """choose_slug, plus a guard against two articles of one batch taking the same name at once."""
    from .publish.slug import choose_slug

    with _slug_lock:
        base = slug = choose_slug(title, out_dir, guid)
        number = 2
        while _reserved.get((out_dir.resolve(), slug), guid) != guid:
            slug = f"{base}-{number}"
            number += 1
        _reserved[(out_dir.resolve(), slug)] = guid
        return slug


def convert_one(
    source: str,
    out_dir: Path,
    script_options: ScriptOptions,
    voice: VoiceOptions,
    episode_options,
    synth_options: SynthOptions,
    *,
    force: bool = False,
) -> Outcome:
    """Convert one source into an episode in `out_dir` (skipped when already up to date)."""
    from .publish.episode import write_episode
    from .synth import synthesize_script

    loaded = make_script(source, script_options, voice)
    for warning in loaded.warnings:
        logger.warning("%s: %s", loaded.source_name, warning)
    script = loaded.script
    script.metadata.setdefault("source", loaded.source_name)
    preset = loaded.preset
    episode_options.engine = preset.engine
    episode_options.voice = preset.voice or preset.name
    if episode_options.pause_scale == 1.0:
        episode_options.pause_scale = preset.pause_scale
    guid = episode_guid(loaded)
    identity = {
        "source": loaded.source_url or loaded.source_name,
        "source_sha256": loaded.source_sha256,
        "settings_sha256": settings_digest(script, preset, episode_options),
        "guid": guid,
    }
    slug = _reserve_slug(script.title, out_dir, guid)
    manifest_path = out_dir / f"{slug}.json"
    if not force and _up_to_date(manifest_path, identity):
        return Outcome(source, "up to date", manifest_path)

    with tempfile.TemporaryDirectory(prefix="readaloud-cover-") as cover_dir:
        if episode_options.cover is None and loaded.source_url:
            image = script.metadata.get("image")
            episode_options.cover = _fetch_cover(image, Path(cover_dir))
        with synthesize_script(
            script,
            preset,
            cache_dir=synth_options.cache_dir,
            use_cache=synth_options.use_cache,
            jobs=synth_options.jobs,
            progress=synth_options.progress,
        ) as result:
            write_episode(
                script,
                result.clips,
                out_dir,
                slug=slug,
                options=episode_options,
                identity=identity,
                article=loaded.article,
            )
    return Outcome(
        source, "converted", manifest_path, synthesized=result.misses, cached=result.hits
    )
