"""The options of the Python API: immutable, built once by the caller (the CLI builds them from
flags, environment and presets) and handed down unchanged; every stage reads only its part.

    ConvertOptions
      script:  ScriptOptions   what is said (reading rules, lexicons, language, voice choice)
      audio:   AudioSettings   how it sounds and is encoded (audio/)
      publish: PublishOptions  what is written beside the audio (publish/)
      synth:   SynthOptions    where clips are cached, how many workers, progress
      editions: Editions       talking books written beside the episode (books/)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .audio.render import AudioSettings
from .books.editions import Editions
from .publish.episode import PublishOptions
from .script.reading import ReadingSettings

DEFAULT_MAX_BYTES = 10_000_000
DEFAULT_TIMEOUT = 60.0

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIMEOUT",
    "AudioSettings",
    "ConvertOptions",
    "Editions",
    "PublishOptions",
    "ReadingSettings",
    "ScriptOptions",
    "SynthOptions",
    "VoiceOptions",
]


@dataclass(frozen=True)
class VoiceOptions:
    """Which voice speaks: a preset name, or an engine and a voice, and the rate."""

    preset: str | None = None
    """A preset name (see `readaloud voices`), a .toml preset file, or a Piper model (x.onnx or
    its name); None = the preset that matches the article's language."""
    engine: str | None = None
    """Another engine for the preset (its engine options are dropped)."""
    voice: str | None = None
    """The engine's own voice name or model."""
    rate: float | None = None
    """Speaking rate: 1.0 = the voice's own speed."""


@dataclass(frozen=True)
class ScriptOptions:
    """Everything that decides the speech script."""

    voice: VoiceOptions = field(default_factory=VoiceOptions)
    reading: ReadingSettings = field(default_factory=ReadingSettings)
    language: str | None = None
    """Overrides the article's language (BCP 47)."""
    urls: str = "domain"
    """URLs in the text: "domain" reads the domain, "drop" leaves them out."""
    max_bytes: int = DEFAULT_MAX_BYTES
    boilerplate: tuple[Path, ...] = ()
    """Extra boilerplate pattern files (TOML)."""
    lexicons: tuple[Path, ...] = ()
    """Pronunciation lexicons, later ones win over earlier and built-in ones."""
    timeout: float = DEFAULT_TIMEOUT
    """Deadline of every fetch, in seconds (look-up, redirects and body)."""
    allow_private_urls: bool = False
    """Let articles and feeds make readaloud fetch loopback/private/link-local addresses."""
    feed_links: frozenset[str] = frozenset()
    """Sources that a feed listed: fetched as URLs the article side asked for (no private
    addresses unless `allow_private_urls`), not as the user's own choice."""

    @property
    def fetch(self):
        """The `sources.fetch.FetchPolicy` of these options."""
        from .sources.fetch import FetchPolicy

        return FetchPolicy(timeout=self.timeout, allow_private=self.allow_private_urls)


@dataclass(frozen=True)
class SynthOptions:
    """Where synthesized clips are kept and how many run at once."""

    cache_dir: Path | None = None
    """Clip cache folder; None = the user cache folder (READALOUD_CACHE_DIR)."""
    use_cache: bool = True
    """False: neither read nor keep cached clips (they live in a temp folder for one run)."""
    jobs: int | None = None
    """Synthesis workers; None = by core count and memory budget (see synth.default_jobs)."""
    progress: bool = False
    """Show a progress bar on stderr (only when stderr is a terminal)."""


@dataclass(frozen=True)
class ConvertOptions:
    """Everything `readaloud.convert` needs besides the sources and the output folder."""

    script: ScriptOptions = field(default_factory=ScriptOptions)
    audio: AudioSettings = field(default_factory=AudioSettings)
    publish: PublishOptions = field(default_factory=PublishOptions)
    synth: SynthOptions = field(default_factory=SynthOptions)
    force: bool = False
    """Re-render even when an episode is up to date."""
    editions: Editions = field(default_factory=Editions)
    """Talking books to write too (EPUB, DAISY); not part of the audio's identity: asking for
    one later writes it from the existing episode."""
