"""The engine contract: what every speech engine offers (capabilities) and must do (synthesize)."""

from __future__ import annotations

import abc
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING

from ..errors import EngineError

if TYPE_CHECKING:
    from ..pcm import PCM
    from ..voices import VoicePreset


@dataclass(frozen=True)
class Capabilities:
    """What an engine can do and needs; shown by `readaloud voices` and used to route input."""

    needs_network: bool
    """True when every synthesis calls a remote service (offline runs must fail fast)."""

    accepts_ssml: bool
    """True when the engine can take SSML (`synthesize_ssml`); others get plain text."""

    sample_rate: int
    """Sample rate (Hz) of the PCM returned for the engine's default voice."""

    languages: list[str] = field(default_factory=lambda: ["*"])
    """BCP 47 language tags (or primary subtags) the engine speaks; ["*"] means any."""

    binaries: list[str] = field(default_factory=list)
    """External programs the engine runs (looked up on PATH)."""


@dataclass(frozen=True)
class NoOptions:
    """The options of an engine that has none of its own."""


class Engine(abc.ABC):
    """A speech engine: plain text (or SSML) in, mono 16-bit PCM out.

    Instances are long-lived (one per process, kept by the registry) so an engine can load
    its model once and reuse it for every utterance. `synthesize` must be thread-safe when
    `parallel_safe` is True; the synthesis stage then runs utterances on several threads.
    """

    name: str = ""
    capabilities: Capabilities
    parallel_safe: bool = False
    """True when `synthesize` may run on several threads at once and that pays."""
    worker_memory_mb: int = 0
    """Memory one more parallel worker needs (a model session); bounds the default job count."""
    Options: type = NoOptions
    """The engine's own preset options: a frozen dataclass whose fields are the keys allowed in
    the preset's `[<engine name>]` table (checked when the preset is read)."""

    def options(self, preset: VoicePreset):
        """The preset's options for this engine, as an `Options` instance."""
        return self.Options(**dict(preset.options))

    @abc.abstractmethod
    def version(self) -> str:
        """Version of the engine software (part of the cache key)."""

    @abc.abstractmethod
    def check(self) -> tuple[bool, str]:
        """(ready, reason) without touching the network or synthesizing anything."""

    @abc.abstractmethod
    def voice_id(self, preset: VoicePreset) -> str:
        """A stable identity of the voice the preset selects (e.g. the model's hash)."""

    @abc.abstractmethod
    def synthesize(self, text: str, preset: VoicePreset) -> PCM:
        """Speak one utterance of plain text; raise EngineError/NetworkError on failure."""

    def synthesize_ssml(self, ssml: str, preset: VoicePreset) -> PCM:
        """Speak one SSML document; only engines with `accepts_ssml` implement it."""
        raise EngineError(f"The {self.name} engine does not accept SSML. Use plain text.")

    def settings(self, preset: VoicePreset) -> dict[str, object]:
        """The preset settings that change this engine's audio (part of the cache key)."""
        return {"language": preset.language, "rate": preset.rate, **asdict(self.options(preset))}

    def voice_language(self, preset: VoicePreset) -> str | None:
        """The BCP 47 language the preset's voice speaks when the voice fixes it (a Piper model),
        None when the engine follows `preset.language`."""
        return None

    def check_voice(self, preset: VoicePreset | None) -> tuple[bool, str]:
        """(ready, reason) for one preset's voice; by default the engine's own check()."""
        return self.check()

    def sessions_loaded(self) -> int:
        """How many voice models or sessions this process has loaded so far (0 = none kept)."""
        return 0

    def prepare(self, preset: VoicePreset, jobs: int) -> None:  # noqa: B027 - optional hook
        """Called once before a run of `jobs` worker threads: load models, probe the network."""

    def release(self) -> None:  # noqa: B027 - optional hook
        """Called when a run's synthesis is over: free what `prepare` or synthesis loaded."""
