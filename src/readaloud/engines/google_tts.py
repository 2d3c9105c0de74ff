"""gTTS: Google Translate's voice. Online only; plain text in, MP3 out (decoded with ffmpeg).

Offline it fails fast: one short connect probe (cached per process) before the first request,
instead of letting every utterance wait for a timeout.
"""

from __future__ import annotations

import io
import logging
import random
import socket
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from typing import TYPE_CHECKING

from ..errors import AudioError, EngineError, NetworkError
from ..ffmpeg import run_ffmpeg
from ..pcm import PCM
from .base import Capabilities, Engine

if TYPE_CHECKING:
    from ..voices import VoicePreset

logger = logging.getLogger(__name__)

SAMPLE_RATE = 24000  # gTTS MP3s are 24 kHz mono
PROBE_TIMEOUT_S = 0.5
REQUEST_TIMEOUT_S = (3.05, 30.0)  # connect, read
MAX_ATTEMPTS = 4
BACKOFF_S = 0.75  # doubled after each failed attempt, plus jitter
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})

# Region -> Google host suffix that gives that accent (gTTS docs, "Localized accents").
ACCENT_TLD: dict[str, str] = {
    "en-us": "com",
    "en-gb": "co.uk",
    "en-au": "com.au",
    "en-ca": "ca",
    "en-in": "co.in",
    "en-ie": "ie",
    "en-za": "co.za",
    "en-ng": "com.ng",
    "fr-fr": "fr",
    "fr-ca": "ca",
    "pt-br": "com.br",
    "pt-pt": "pt",
    "es-es": "es",
    "es-mx": "com.mx",
}

OFFLINE_MESSAGE = (
    "gTTS needs the internet and {host} cannot be reached. Use the offline voice: --engine piper"
)

_probe_lock = threading.Lock()
_probe_results: dict[tuple[str, int], bool] = {}


def probe_host(host: str, port: int, timeout: float = PROBE_TIMEOUT_S) -> bool:
    """True if a TCP connection to host:port opens within `timeout` (DNS included)."""
    outcome: list[bool] = []

    def attempt() -> None:
        try:
            with socket.create_connection((host, port), timeout=timeout):
                outcome.append(True)
        except OSError:
            outcome.append(False)

    # getaddrinfo has no timeout of its own: a thread bounds a hanging resolver too.
    worker = threading.Thread(target=attempt, daemon=True)
    worker.start()
    worker.join(timeout + 0.1)
    return bool(outcome and outcome[0])


def _probe_target(host: str) -> tuple[str, int]:
    """Where a request to `host` really connects first: the HTTPS proxy if one is set."""
    proxy = urllib.request.getproxies().get("https")
    if proxy:
        parsed = urllib.parse.urlsplit(proxy if "://" in proxy else f"http://{proxy}")
        if parsed.hostname:
            return parsed.hostname, parsed.port or 80
    return host, 443


def ensure_reachable(host: str) -> None:
    """NetworkError (one line, naming the fix) unless `host` answers; cached per process."""
    target = _probe_target(host)
    with _probe_lock:
        if target not in _probe_results:
            _probe_results[target] = probe_host(*target)
        ok = _probe_results[target]
    if not ok:
        raise NetworkError(OFFLINE_MESSAGE.format(host=host))


@dataclass(frozen=True)
class GoogleOptions:
    """The `[gtts]` table of a preset."""

    tld: str | None = None
    """Google host suffix that picks the accent (com, co.uk, com.au, ...)."""

    def __post_init__(self) -> None:
        if self.tld is not None and not (isinstance(self.tld, str) and self.tld):
            raise ValueError(f"tld must be a host suffix like co.uk, not {self.tld!r}")


class GoogleEngine(Engine):
    """Google Translate text-to-speech through the gTTS package."""

    name = "gtts"
    capabilities = Capabilities(
        needs_network=True, accepts_ssml=False, sample_rate=SAMPLE_RATE, languages=["*"]
    )
    parallel_safe = True
    Options = GoogleOptions

    def __init__(self) -> None:
        self.sleep = time.sleep  # replaced in tests to skip the backoff waits

    def version(self) -> str:
        try:
            return metadata.version("gTTS")
        except metadata.PackageNotFoundError:
            return "not installed"

    def check(self) -> tuple[bool, str]:
        try:
            import gtts  # noqa: F401
        except ImportError:
            return False, "gTTS is not installed; run: pip install gTTS"
        return True, "ready (online engine, needs network)"

    def check_voice(self, preset: VoicePreset | None) -> tuple[bool, str]:
        ready, reason = self.check()
        if ready and preset is not None:
            try:
                self.lang_tld(preset)
            except EngineError as exc:
                return False, str(exc)
        return ready, reason

    def lang_tld(self, preset: VoicePreset) -> tuple[str, str]:
        """gTTS language code and Google host suffix for the preset."""
        try:
            from gtts.lang import tts_langs
        except ImportError as exc:
            raise EngineError("gTTS is not installed. Run: pip install gTTS") from exc
        langs = {code.lower(): code for code in tts_langs()}
        tag = (preset.voice or preset.language).replace("_", "-")
        primary = tag.split("-")[0].lower()
        code = langs.get(tag.lower()) or langs.get(primary)
        if code is None:
            raise EngineError(
                f"gTTS does not speak '{tag}'. Pick another voice (see: readaloud voices)."
            )
        tld = self.options(preset).tld or ACCENT_TLD.get(preset.language.lower(), "com")
        return code, tld

    def voice_id(self, preset: VoicePreset) -> str:
        code, tld = self.lang_tld(preset)
        return f"gtts:{code}:{tld}"

    def settings(self, preset: VoicePreset) -> dict[str, object]:
        code, tld = self.lang_tld(preset)
        return {"lang": code, "tld": tld, "rate": preset.rate, "sample_rate": SAMPLE_RATE}

    def prepare(self, preset: VoicePreset, jobs: int) -> None:
        ensure_reachable(f"translate.google.{self.lang_tld(preset)[1]}")

    def synthesize(self, text: str, preset: VoicePreset) -> PCM:
        if not text.strip():
            raise EngineError("gTTS was given an empty utterance.")
        code, tld = self.lang_tld(preset)
        host = f"translate.google.{tld}"
        ensure_reachable(host)
        mp3 = self._fetch(text, code, tld, host)
        return self._decode(mp3, preset.rate)

    def _fetch(self, text: str, lang: str, tld: str, host: str) -> bytes:
        from gtts import gTTS, gTTSError

        delay = BACKOFF_S
        attempt = 0
        while True:
            attempt += 1
            buffer = io.BytesIO()
            try:
                gTTS(
                    text, lang=lang, tld=tld, lang_check=False, timeout=REQUEST_TIMEOUT_S
                ).write_to_fp(buffer)
            except gTTSError as exc:
                status = exc.rsp.status_code if exc.rsp is not None else None
                retryable = status is None or status in RETRY_STATUSES
                if not retryable:
                    raise EngineError(
                        f"gTTS failed: {exc}. Try again later or use --engine piper"
                    ) from exc
                if attempt == MAX_ATTEMPTS:
                    what = f"HTTP {status}" if status else "no connection"
                    raise NetworkError(
                        f"gTTS failed after {MAX_ATTEMPTS} attempts ({what} from {host}). "
                        "Try again later or use the offline voice: --engine piper"
                    ) from exc
                logger.info("gTTS attempt %d failed (%s); retrying in %.1fs", attempt, exc, delay)
                self.sleep(delay * (1 + random.random() / 4))
                delay *= 2
                continue
            data = buffer.getvalue()
            if data:
                return data
            raise EngineError(f"gTTS returned no audio for {text[:60]!r}. Try --engine piper")

    @staticmethod
    def _decode(mp3: bytes, rate: float) -> PCM:
        """MP3 -> mono 16-bit PCM through ffmpeg; the speaking rate via its atempo filter."""
        filters = []
        remaining = rate
        # atempo takes 0.5..2.0 per stage; chain stages for larger changes.
        while remaining > 2.0:
            filters.append("atempo=2.0")
            remaining /= 2.0
        while remaining < 0.5:
            filters.append("atempo=0.5")
            remaining /= 0.5
        if abs(remaining - 1.0) > 1e-6:
            filters.append(f"atempo={remaining:.6f}")
        args = ["-loglevel", "error", "-i", "pipe:0"]
        if filters:
            args += ["-filter:a", ",".join(filters)]
        args += ["-f", "s16le", "-acodec", "pcm_s16le", "-ac", "1", "-ar", str(SAMPLE_RATE)]
        try:
            proc = run_ffmpeg([*args, "pipe:1"], input=mp3)
        except AudioError as exc:
            raise EngineError(f"gTTS sent audio that cannot be decoded ({exc}).") from exc
        return PCM(proc.stdout, SAMPLE_RATE)
