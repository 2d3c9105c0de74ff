"""The public Python API of readaloud: everything a program (or the CLI) needs to convert
articles, in one import. See README "Python API".

    import readaloud
    outcomes = readaloud.convert(["article.md"], "episodes")
"""

from __future__ import annotations

from .options import (
    AudioSettings,
    ConvertOptions,
    Editions,
    PublishOptions,
    ReadingSettings,
    ScriptOptions,
    SynthOptions,
    VoiceOptions,
)
from .pipeline.batch import convert, make_script
from .pipeline.finish import finish_article
from .pipeline.load import Loaded, load_source
from .pipeline.outcome import Outcome, Status, counts, exit_code
from .pipeline.plan import ArticlePlan, SlugBook, plan_article
from .pipeline.runner import LocalRunner, Runner
from .script.model import SpeechScript
from .sources.expand import expand_sources
from .synth.packets import Packet, PacketResult, Utterance, synthesize_packet

__all__ = [
    "ArticlePlan",
    "AudioSettings",
    "ConvertOptions",
    "Editions",
    "Loaded",
    "LocalRunner",
    "Outcome",
    "Packet",
    "PacketResult",
    "PublishOptions",
    "ReadingSettings",
    "Runner",
    "ScriptOptions",
    "SlugBook",
    "SpeechScript",
    "Status",
    "SynthOptions",
    "Utterance",
    "VoiceOptions",
    "convert",
    "counts",
    "exit_code",
    "expand_sources",
    "finish_article",
    "load_source",
    "make_script",
    "plan_article",
    "synthesize_packet",
]
