"""Voice presets: which engine, voice, language and speed to read with (TOML files).

Built-in presets are the repository's top-level `voices/*.toml`, shipped inside the wheel as
`readaloud/presets/`; user presets live in `<user config dir>/readaloud/voices/*.toml` and
override built-ins of the same name.
"""

from __future__ import annotations

import logging
import tomllib
from dataclasses import asdict, dataclass, fields, replace
from importlib import resources
from pathlib import Path
from typing import Any

from .engines.piper_models import is_piper_voice
from .errors import ConfigError, EngineError
from .langtags import primary, same_tag, usual_region
from .paths import user_presets_dir

logger = logging.getLogger(__name__)

PRESET_SUFFIX = ".toml"
DEFAULT_PRESET = "default"


@dataclass(frozen=True)
class VoicePreset:
    """How to speak: one engine with one voice, language and speed."""

    name: str
    engine: str
    """Registry name of the engine: piper, gtts, espeak-ng or a plugin."""

    voice: str | None = None
    """Engine-specific voice: a Piper model path or name, an espeak-ng voice; None = default."""

    language: str = "en-US"
    """BCP 47 tag of the language (and accent) this preset speaks."""

    rate: float = 1.0
    """Speaking rate: 1.0 is the voice's own speed, 1.2 is 20% faster."""

    pause_scale: float = 1.0
    """Multiplier for the script's pauses (applied at assembly)."""

    options: tuple[tuple[str, Any], ...] = ()
    """The engine's own options, from the preset's `[<engine>]` table (checked by the engine)."""

    lexicon: str | None = None
    """Path of a pronunciation lexicon for this preset (absolute once loaded)."""

    description: str = ""
    source: str | None = None
    """File the preset was read from (None for presets built in code)."""

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["options"] = dict(self.options)
        return data


_FIELDS = {f.name for f in fields(VoicePreset)} - {"source", "options"}


def builtin_presets_dir() -> Path | None:
    """Folder of the built-in presets: inside the installed package, else the source tree."""
    packaged = Path(str(resources.files("readaloud") / "presets"))
    if packaged.is_dir() and any(packaged.glob(f"*{PRESET_SUFFIX}")):
        return packaged
    # Source checkout or editable install: src/readaloud/voices.py -> <repo>/voices
    repo = Path(__file__).resolve().parents[2] / "voices"
    if repo.is_dir():
        return repo
    return None


def load_preset_file(path: Path) -> VoicePreset:
    """Read one preset file; ConfigError naming the file and the problem when it is invalid."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Voice preset {path} cannot be read: {exc}. Fix or remove it.") from exc
    engine_name = data.get("engine")
    table = data.pop(engine_name, {}) if isinstance(engine_name, str) else {}
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise ConfigError(
            f"Voice preset {path}: unknown key(s) {', '.join(unknown)}. "
            f"Allowed: {', '.join(sorted(_FIELDS))}."
        )
    data.setdefault("name", path.stem)
    if "engine" not in data:
        raise ConfigError(f"Voice preset {path} has no 'engine'. Add e.g. engine = \"piper\".")
    if data.get("lexicon"):
        data["lexicon"] = str((path.parent / data["lexicon"]).resolve())
    if not isinstance(table, dict):
        raise ConfigError(f"Voice preset {path}: [{engine_name}] must be a table of options.")
    from .engines.options import check_options

    data["options"] = check_options(data["engine"], table, f"Voice preset {path}")
    try:
        preset = VoicePreset(**data, source=str(path))
        return validate_preset(preset)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"Voice preset {path}: {exc}.") from exc


def validate_preset(preset: VoicePreset) -> VoicePreset:
    """Check value ranges and types; return the preset with numbers as floats."""
    where = preset.source or f"preset {preset.name}"
    for key in ("rate", "pause_scale"):
        value = getattr(preset, key)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{where}: {key} must be a number, not {value!r}.")
    if not 0.25 <= preset.rate <= 4.0:
        raise ConfigError(f"{where}: rate {preset.rate} is out of range; use 0.25 to 4.0.")
    if not 0.0 <= preset.pause_scale <= 10.0:
        raise ConfigError(
            f"{where}: pause_scale {preset.pause_scale} is out of range; use 0 to 10."
        )
    for key in ("name", "engine", "language"):
        if not isinstance(getattr(preset, key), str) or not getattr(preset, key):
            raise ConfigError(f"{where}: {key} must be a non-empty string.")
    return replace(preset, rate=float(preset.rate), pause_scale=float(preset.pause_scale))


def _load_dir(folder: Path | None) -> dict[str, VoicePreset]:
    presets: dict[str, VoicePreset] = {}
    if folder is None or not folder.is_dir():
        return presets
    for path in sorted(folder.glob(f"*{PRESET_SUFFIX}")):
        preset = load_preset_file(path)
        presets[preset.name] = preset
    return presets


def load_presets() -> dict[str, VoicePreset]:
    """Every preset by name: built-ins, then user presets (which win on a name clash)."""
    presets = _load_dir(builtin_presets_dir())
    presets.update(_load_dir(user_presets_dir()))
    if DEFAULT_PRESET not in presets:
        raise ConfigError(
            "The built-in voice presets are missing (no 'default' preset). Reinstall readaloud."
        )
    return presets


def language_warning(preset: VoicePreset, language: str | None) -> str | None:
    """A warning when the preset speaks another language or accent than the article."""
    if not language:
        return None
    if primary(language) != primary(preset.language):
        return (
            f"The article is in '{language}' but voice '{preset.name}' speaks "
            f"'{preset.language}'; it will sound wrong. Choose a matching voice "
            "(see: readaloud voices)."
        )
    has_region = "-" in language.replace("_", "-") and "-" in preset.language
    if has_region and not same_tag(language, preset.language):
        return (
            f"The article is in '{language}' but voice '{preset.name}' has the "
            f"'{preset.language}' accent. Choose another voice if that matters "
            "(see: readaloud voices)."
        )
    return None


def _is_offline(engine_name: str) -> bool:
    from .engines.registry import get_engine

    try:
        return not get_engine(engine_name).capabilities.needs_network
    except EngineError:
        return False


def _pick_for_language(
    presets: dict[str, VoicePreset], language: str | None, engine: str | None
) -> VoicePreset | None:
    """The best preset for the article language: exact tag, then same language; offline first."""
    candidates = [p for p in presets.values() if engine is None or p.engine == engine]
    if not candidates:
        return None

    def rank(p: VoicePreset) -> tuple[int, int, int, int, str]:
        same_language = not language or primary(p.language) == primary(language)
        # No region given: the usual accent; no language at all counts as English, like the
        # script model's default.
        wanted = language if language and "-" in language else None
        wanted = wanted or usual_region(primary(language or "en"))
        exact = bool(wanted) and same_tag(p.language, wanted)
        # Offline by default: an offline voice of the right language beats an online one
        # with the exact accent (the accent mismatch is reported as a warning).
        return (
            0 if same_language else 1,
            0 if _is_offline(p.engine) else 1,
            0 if exact else 1,
            0 if p.name == DEFAULT_PRESET else 1,
            p.name,
        )

    best = min(candidates, key=rank)
    if language and rank(best)[0] == 1:
        return None
    return best


def _with_voice_language(preset: VoicePreset) -> VoicePreset:
    """The preset with the language its voice really speaks (a Piper model knows its own)."""
    from .engines.registry import get_engine

    try:
        spoken = get_engine(preset.engine).voice_language(preset)
    except EngineError:
        return preset  # a missing engine or voice is reported when synthesis starts
    if spoken and not same_tag(spoken, preset.language):
        return replace(preset, language=spoken)
    return preset


def resolve_preset(
    name: str | None,
    *,
    language: str | None,
    engine: str | None = None,
    voice: str | None = None,
    rate: float | None = None,
) -> tuple[VoicePreset, list[str]]:
    """The preset to speak with, and warnings for the user.

    `name` is a preset name, a path to a .toml preset, or a Piper model (x.onnx path or a
    name in the voices folders); None lets the article `language`
    choose (offline presets first). `engine`, `voice` and `rate` override the preset.
    """
    presets = load_presets()
    warnings: list[str] = []
    if name:
        if name.endswith(PRESET_SUFFIX) and Path(name).is_file():
            preset = load_preset_file(Path(name))
        elif name in presets:
            preset = presets[name]
        elif is_piper_voice(name):
            # `--voice x.onnx` or the name of a model in a voices folder: Piper with that model.
            preset = VoicePreset(
                name=Path(name).name.removesuffix(".onnx"),
                engine="piper",
                voice=name,
                language=language or "en-US",
            )
        else:
            raise ConfigError(
                f"Unknown voice '{name}'. Known presets: {', '.join(sorted(presets))} "
                "(see: readaloud voices); or give a Piper model: --voice path/to/x.onnx"
            )
    else:
        picked = _pick_for_language(presets, language, engine)
        if picked is not None:
            preset = picked
        elif engine is not None:
            preset = VoicePreset(name=engine, engine=engine, language=language or "en-US")
        else:
            preset = presets[DEFAULT_PRESET]
    if engine and engine != preset.engine:
        # Another engine cannot use this preset's voice or accent host.
        preset = replace(
            preset, name=f"{preset.name}+{engine}", engine=engine, voice=None, options=()
        )
    if voice:
        preset = replace(preset, voice=voice)
    if rate is not None:
        preset = validate_preset(replace(preset, rate=rate))
    preset = _with_voice_language(preset)
    warning = language_warning(preset, language)
    if warning:
        warnings.append(warning)
    return preset, warnings


def voices_report() -> list[dict[str, Any]]:
    """One row per engine and per preset, with ready / not ready and why (no network used)."""
    from .engines.registry import available_engines, broken_engines

    rows: list[dict[str, Any]] = []
    engines = available_engines()
    for name, engine in engines.items():
        try:
            ready, reason = engine.check()
            version = engine.version()
        except Exception as exc:  # a plugin's bug must not break the listing
            ready, reason, version = False, f"check failed: {exc}", "unknown"
        caps = engine.capabilities
        rows.append(
            {
                "kind": "engine",
                "name": name,
                "version": version,
                "ready": ready,
                "reason": reason,
                "needs_network": caps.needs_network,
                "accepts_ssml": caps.accepts_ssml,
                "sample_rate": caps.sample_rate,
                "languages": list(caps.languages),
                "binaries": list(caps.binaries),
            }
        )
    for name, reason in broken_engines().items():
        if name not in engines:
            rows.append(
                {
                    "kind": "engine",
                    "name": name,
                    "version": "unknown",
                    "ready": False,
                    "reason": reason,
                }
            )
    try:
        presets = load_presets()
    except ConfigError as exc:
        rows.append({"kind": "preset", "name": "?", "ready": False, "reason": str(exc)})
        return rows
    for preset in sorted(presets.values(), key=lambda p: (p.name != DEFAULT_PRESET, p.name)):
        engine = engines.get(preset.engine)
        if engine is None:
            ready, reason = False, f"engine '{preset.engine}' is not available"
        else:
            try:
                ready, reason = engine.check_voice(preset)
            except Exception as exc:
                ready, reason = False, f"check failed: {exc}"
        rows.append(
            {
                "kind": "preset",
                **{k: v for k, v in preset.to_dict().items()},
                "needs_network": bool(engine and engine.capabilities.needs_network),
                "ready": ready,
                "reason": reason,
            }
        )
    return rows


def format_voices_report(rows: list[dict[str, Any]]) -> str:
    """The report as text: presets first (what users pick), then engines."""
    presets = [r for r in rows if r["kind"] == "preset"]
    engines = [r for r in rows if r["kind"] == "engine"]
    lines = ["Voice presets (--voice NAME):"]
    for row in presets:
        if row["ready"]:
            mark = "ready*" if row.get("needs_network") else "ready"
            note = row.get("description") or row["reason"]
        else:
            mark, note = "NOT READY", row["reason"]
        lines.append(
            f"  {row['name']:<14} {row.get('engine', ''):<10} {row.get('language', ''):<6} "
            f"{mark:<10} {note}"
        )
    if any(r["ready"] and r.get("needs_network") for r in presets):
        lines.append("  * online: needs the internet")
    lines += ["", "Engines (--engine NAME):"]
    for row in engines:
        mark = "ready" if row["ready"] else "NOT READY"
        lines.append(f"  {row['name']:<14} {row.get('version', ''):<10} {mark:<10} {row['reason']}")
    return "\n".join(lines) + "\n"
