"""The user's folders and every READALOUD_* environment variable, in one place.

| variable | meaning | default |
| --- | --- | --- |
| READALOUD_CACHE_DIR | readaloud's cache folder (clips, model checks, encoder calibration) | the platform user cache folder |
| READALOUD_VOICES_DIR | a folder searched first for Piper voices by name | (none) |
| READALOUD_MEMORY_MB | memory budget of one conversion: bounds the synthesis workers and the speech in flight (in a Dask worker: of that worker) | 1024, in a Dask worker its memory limit |
| READALOUD_THREADS | CPU threads the speech engine may use (a Dask worker sets its thread count) | all cores |
| READALOUD_SCHEDULER | Dask scheduler for `convert` (as `--scheduler`) | (none: run here) |
| READALOUD_FFMPEG | another ffmpeg: a path or a command name on PATH | the bundled one |
| READALOUD_CONFIG | the user configuration file (option defaults) | `config.toml` in the config folder |
| READALOUD_<COMMAND>_<OPTION> | any command option, e.g. READALOUD_CONVERT_BITRATE=96k | (unset) |
"""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP = "readaloud"
CACHE_DIR_ENV = "READALOUD_CACHE_DIR"
VOICES_DIR_ENV = "READALOUD_VOICES_DIR"
MEMORY_ENV = "READALOUD_MEMORY_MB"
THREADS_ENV = "READALOUD_THREADS"
SCHEDULER_ENV = "READALOUD_SCHEDULER"
FFMPEG_ENV = "READALOUD_FFMPEG"
CONFIG_ENV = "READALOUD_CONFIG"
OPTION_ENV_PREFIX = "READALOUD"
DEFAULT_MEMORY_MB = 1024


def cache_dir() -> Path:
    """readaloud's cache folder (READALOUD_CACHE_DIR overrides the platform default)."""
    override = os.environ.get(CACHE_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_cache_dir(APP))


def audio_cache_dir() -> Path:
    """Where synthesized clips are cached."""
    return cache_dir() / "audio"


def config_dir() -> Path:
    """The user's configuration folder: lexicons and voice presets."""
    return Path(platformdirs.user_config_dir(APP))


def config_file() -> Path:
    """The user configuration file (READALOUD_CONFIG overrides `config.toml` in the config folder)."""
    override = os.environ.get(CONFIG_ENV, "").strip()
    return Path(override) if override else config_dir() / "config.toml"


def user_presets_dir() -> Path:
    """Folder of the user's own voice presets."""
    return config_dir() / "voices"


def voices_dirs() -> list[Path]:
    """Folders searched for Piper voices by name, in order."""
    dirs = []
    if os.environ.get(VOICES_DIR_ENV):
        dirs.append(Path(os.environ[VOICES_DIR_ENV]))
    dirs.append(Path(platformdirs.user_data_dir(APP)) / "voices")
    return dirs


def memory_budget_mb() -> int:
    """The memory budget of one conversion in MB (READALOUD_MEMORY_MB)."""
    return int(os.environ.get(MEMORY_ENV, DEFAULT_MEMORY_MB))


def engine_threads() -> int | None:
    """CPU threads the speech engine may use (READALOUD_THREADS), None = all cores."""
    value = os.environ.get(THREADS_ENV)
    return int(value) if value and value.isdigit() and int(value) > 0 else None


def ffmpeg_override() -> str:
    """The ffmpeg the user asked for with READALOUD_FFMPEG ("" = the bundled one)."""
    return os.environ.get(FFMPEG_ENV, "").strip()
