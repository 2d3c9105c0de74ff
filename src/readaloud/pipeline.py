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
from .fsutil import FULL, READ_ONLY, temp_dir
from .script.model import SpeechScript
from .script.reading import ReadingSettings, build_script
from .script.ssml import parse_ssml

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_TIMEOUT = 60.0


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
    timeout: float = DEFAULT_TIMEOUT
    """Deadline of every fetch, in seconds (look-up, redirects and body)."""
    allow_private_urls: bool = False
    """Let articles and feeds make readaloud fetch loopback/private/link-local addresses."""

    @property
    def fetch(self):
        """The `sources.fetch.FetchPolicy` of these options."""
        from .sources.fetch import FetchPolicy

        return FetchPolicy(timeout=self.timeout, allow_private=self.allow_private_urls)


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


def make_script(
    source: str, options: ScriptOptions, voice: VoiceOptions, *, requested_by: str = "user"
) -> Loaded:
    """Read `source` and turn it into a speech script for the chosen voice.

    `requested_by="article"` for a source that a feed listed rather than the user.
    """
    from .script.normalize import NormalizeOptions
    from .sources import parse_article, read_source
    from .sources.image_ref import article_image
    from .voices import resolve_preset

    raw = read_source(
        source, max_bytes=options.max_bytes, policy=options.fetch, requested_by=requested_by
    )
    digest = hashlib.sha256(raw.data).hexdigest()

    def preset_for(language: str | None):
        return resolve_preset(
            voice.preset, language=language, engine=voice.engine, voice=voice.voice, rate=voice.rate
        )

    if raw.kind == "ssml":
        script = parse_ssml(raw.text)
        script.language = options.language or script.language
        # An SSML file is as untrusted as any article: its image passes the same check.
        image = article_image(script.metadata.pop("image", None), raw.name, raw.url)
        if image:
            script.metadata["image"] = image
        preset, warnings = preset_for(script.language)
        return Loaded(script, None, raw.name, raw.url, digest, preset, warnings)

    article = parse_article(raw, extra_boilerplate=options.boilerplate or None)
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


def prepare_output(out_dir: Path, synth: SynthOptions) -> None:
    """Before any synthesis: remove what killed runs left behind, then check that the output,
    cache and temp folders can be written (OutputError naming the folder if not)."""
    from .fsutil import check_writable, sweep_dead_runs
    from .synth import default_cache_dir

    tmp = Path(tempfile.gettempdir())
    sweep_dead_runs(tmp, temp_folders=True)
    sweep_dead_runs(out_dir)
    check_writable(out_dir, "output folder")
    if synth.use_cache:
        check_writable(synth.cache_dir or default_cache_dir(), "cache folder")
    check_writable(tmp, "temp folder ($TMPDIR)")


def _write_error(exc: OSError, out_dir: Path, cache_dir: Path | None) -> ReadaloudError:
    """The failed write as an OutputError that says which folder it was."""
    from .fsutil import write_error
    from .synth import default_cache_dir

    path = Path(exc.filename).resolve() if exc.filename else None
    places = [
        (Path(out_dir).resolve(), "output folder"),
        (Path(cache_dir or default_cache_dir()).resolve(), "cache folder"),
        (Path(tempfile.gettempdir()).resolve(), "temp folder ($TMPDIR)"),
    ]
    for folder, what in places:
        if path is not None and path.is_relative_to(folder):
            return write_error(exc, folder, what)
    return write_error(exc, path.parent if path else Path(out_dir), "folder")


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
    requested_by: str = "user",
) -> Outcome:
    """Convert one source into an episode in `out_dir` (skipped when already up to date).

    `requested_by="article"` for a source that a feed listed rather than the user.
    """
    loaded = make_script(source, script_options, voice, requested_by=requested_by)
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

    try:
        result = _render(
            loaded, out_dir, slug, identity, script_options, episode_options, synth_options
        )
    except OSError as exc:
        if exc.errno not in FULL + READ_ONLY:
            raise
        raise _write_error(exc, out_dir, synth_options.cache_dir) from exc
    return Outcome(
        source, "converted", manifest_path, synthesized=result.misses, cached=result.hits
    )


def _render(loaded, out_dir, slug, identity, script_options, episode_options, synth_options):
    """Synthesize and write one episode; returns the synthesis result (for its counts)."""
    from .publish.cover_image import article_cover
    from .publish.episode import write_episode
    from .synth import synthesize_script

    script = loaded.script
    with temp_dir("cover") as cover_dir:
        if episode_options.cover is None:
            episode_options.cover = article_cover(
                script.metadata.get("image"),
                Path(cover_dir),
                remote=bool(loaded.source_url),
                policy=script_options.fetch,
            )
        with synthesize_script(
            script,
            loaded.preset,
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
    return result
