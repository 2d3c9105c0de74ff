"""Synthesis stage: speech script -> one cached WAV clip per utterance (`run`), the clip cache
(`cache`) and the progress display (`progress`)."""

from .run import SynthResult, default_cache_dir, default_jobs, synthesize_script

__all__ = ["SynthResult", "default_cache_dir", "default_jobs", "synthesize_script"]
