"""A Piper voice's graph made faster and leaner for onnxruntime, with the same arithmetic.

Three rewrites, made once per voice and machine with the `onnx` package (about 2 s, ~250 MB at
the peak, handed back before the model loads), kept in the user cache
(`<cache>/piper-graphs/<model md5>-v<GRAPH_VERSION>-<machine>/`):

1. **1-D convolutions made 2-D.** Piper voices (VITS) are exported with 1-D convolutions over
   [batch, channels, time], where ~75 % of a run goes. onnxruntime's fastest CPU convolutions
   (NCHWc: channels in blocks of 8 or 16, AVX2 / AVX-512) only take 2-D ones. So every Conv and
   ConvTranspose with a 3-D constant weight becomes the same convolution over a height of 1
   (Unsqueeze the input at axis 2; weight [O, I, K] -> [O, I, 1, K]; kernel, strides, dilations
   and output padding get a leading 1; pads [b, e] -> [0, b, 0, e]; Squeeze the output).
   Measured on joe-medium, one thread: 71 -> 57 ms of CPU per second of speech.
2. **The decoder split off.** The HiFi-GAN decoder (`/dec/...`: z frames -> samples, 256 per
   frame) is made a model of its own, so a sentence's frames can be decoded in chunks
   (piper_session): the text encoder, duration predictor and flow still see the whole sentence,
   but the decoder's activations, which grow with the sentence (~1.4 MB a phoneme), stay bounded.
   The decoder is a chain of convolutions, so a chunk decoded with `overlap` frames of context on
   each side (the receptive field, counted from the kernels here) gives the same samples as the
   whole (measured: largest difference 1e-9).
3. **onnxruntime's own optimizations saved.** Each part is optimized by onnxruntime for this
   machine (its NCHWc kernels depend on the CPU) and saved, then loaded without optimizing
   again: the session no longer keeps both layouts of the weights (~60 MB less) and loads faster.

Anything unexpected (no `onnx`, a graph these rewrites do not understand, an unreadable cache)
falls back to the model as it is.
"""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import json
import logging
import math
import platform
import shutil
from dataclasses import dataclass
from pathlib import Path

from ..fsutil import atomic_dir
from ..heap import trim_heap
from ..paths import cache_dir

logger = logging.getLogger(__name__)

GRAPH_VERSION = 2
"""Bump when a rewrite changes: cached graphs of other versions are then ignored."""
DECODER_PREFIX = "/dec/"
_AXIS = "readaloud_lift_axis"
# Ops a decoder may hold for chunked decoding to be exact: convolutions and pointwise maths.
_CHUNKABLE = frozenset(
    {
        *("Conv", "ConvTranspose", "LeakyRelu", "Relu", "Add", "Sub", "Mul", "Div"),
        *("Tanh", "Sigmoid", "Unsqueeze", "Squeeze", "Constant", "Identity"),
    }
)


@dataclass(frozen=True)
class VoiceGraph:
    """The files a Piper voice runs from."""

    front: Path
    """Phoneme ids -> the decoder's inputs; the whole model when `decoder` is None."""
    decoder: Path | None = None
    frames_input: str = ""
    """The decoder input that is cut in time (its last axis is frames)."""
    overlap: int = 0
    """Frames of context decoded on each side of a chunk and dropped."""
    optimized: bool = False
    """The files are onnxruntime-optimized for this machine: load them without optimizing."""


def voice_graph(model: Path, model_md5: str) -> VoiceGraph:
    """The rewritten graph of `model` (made and cached on first use), or `model` as it is."""
    folder = cache_dir() / "piper-graphs" / f"{model_md5}-v{GRAPH_VERSION}-{_machine()}"
    try:
        return _read(folder)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    try:
        try:
            with atomic_dir(folder) as tmp:
                _build(model, tmp)
                with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
                    _read(folder)  # another process (a Dask worker) made it meanwhile:
                    raise _MadeMeanwhile  # keep theirs, which may be loading right now
        except _MadeMeanwhile:
            pass
        gc.collect()
        trim_heap()  # the build's ~250 MB of protobuf copies, before the model is loaded
        graph = _read(folder)
    except Exception as exc:  # noqa: BLE001 - onnx and onnxruntime raise their own types
        logger.info("Using %s as it is (its graph could not be rewritten: %s)", model.name, exc)
        return VoiceGraph(front=model)
    logger.debug("Rewrote %s for onnxruntime: %s", model.name, folder)
    return graph


class _MadeMeanwhile(Exception):
    """The graph being made was cached by another process first."""


def discard(graph: VoiceGraph) -> None:
    """Remove a cached graph that would not load, so the next run makes it again."""
    folder = graph.front.parent
    if graph.optimized and folder.parent.name == "piper-graphs":
        shutil.rmtree(folder, ignore_errors=True)


@functools.cache
def _machine() -> str:
    """What an onnxruntime-optimized graph depends on: onnxruntime's version and the CPU (its
    architecture and instruction sets; not platform.processor(), which runs `uname -p`)."""
    import onnxruntime

    flags = ""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as info:
            flags = next((line for line in info if line.startswith("flags")), "")
    except OSError:
        pass
    text = f"{onnxruntime.__version__}|{platform.machine()}|{flags}"
    return hashlib.md5(text.encode(), usedforsecurity=False).hexdigest()[:10]


def _read(folder: Path) -> VoiceGraph:
    meta = json.loads((folder / "graph.json").read_text(encoding="utf-8"))
    decoder = folder / "decoder.onnx" if meta["split"] else None
    graph = VoiceGraph(
        front=folder / "front.onnx",
        decoder=decoder,
        frames_input=str(meta["frames_input"]),
        overlap=int(meta["overlap"]),
        optimized=True,
    )
    for path in (graph.front, graph.decoder):
        if path is not None and not path.is_file():
            raise OSError(f"{path} is missing")
    return graph


def _build(model: Path, folder: Path) -> None:
    import onnx

    proto = onnx.load(str(model))
    lift_convolutions(proto)
    split = split_decoder(proto)
    meta: dict[str, object] = {"split": split is not None, "frames_input": "", "overlap": 0}
    parts = {"front": proto}
    if split is not None:
        parts = {"front": split.front, "decoder": split.decoder}
        meta.update(frames_input=split.frames_input, overlap=split.overlap)
    del proto, split  # each part is freed once saved: the build stays within ~150 MB
    for name in list(parts):
        plain = folder / f"{name}.plain.onnx"
        onnx.save(parts.pop(name), str(plain))
        _optimize(plain, folder / f"{name}.onnx")
        plain.unlink()
    (folder / "graph.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")


def _optimize(source: Path, target: Path) -> None:
    """Save onnxruntime's fully optimized form of `source` for this machine."""
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.graph_optimization_level = onnxruntime.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.optimized_model_filepath = str(target)
    options.log_severity_level = 3  # its warning that the result suits this machine only
    onnxruntime.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])


def lift_convolutions(model) -> int:
    """Make the 1-D convolutions of the ONNX `model` 2-D, in place; the number of weights."""
    import numpy as np
    from onnx import helper, numpy_helper

    graph = model.graph
    weights = {tensor.name: tensor for tensor in graph.initializer}
    opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)
    # Opset 13 made the axes of Unsqueeze and Squeeze an input; before, an attribute.
    axis = {"inputs": [_AXIS]} if opset >= 13 else {"inputs": [], "axes": [2]}
    nodes = []
    reshaped: set[str] = set()  # a weight shared by two convolutions is reshaped once
    for node in graph.node:
        weight = weights.get(node.input[1]) if len(node.input) > 1 else None
        if (
            node.op_type not in ("Conv", "ConvTranspose")
            or weight is None
            or not (len(weight.dims) == 3 or weight.name in reshaped)
        ):
            nodes.append(node)
            continue
        if weight.name not in reshaped:
            array = numpy_helper.to_array(weight)
            weight.CopyFrom(numpy_helper.from_array(array[:, :, None, :], weight.name))
            reshaped.add(weight.name)
        attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
        for name in ("kernel_shape", "strides", "dilations", "output_padding", "output_shape"):
            if name in attributes:
                attributes[name] = [1, *attributes[name]]
        if "pads" in attributes:
            begin, end = attributes["pads"]
            attributes["pads"] = [0, begin, 0, end]
        wide_in = f"{node.output[0]}/readaloud_2d_in"
        wide_out = f"{node.output[0]}/readaloud_2d_out"
        nodes += [
            _axis_node("Unsqueeze", node.input[0], wide_in, axis, f"{node.name}/readaloud_2d"),
            helper.make_node(
                node.op_type, [wide_in, *node.input[1:]], [wide_out], name=node.name, **attributes
            ),
            _axis_node("Squeeze", wide_out, node.output[0], axis, f"{node.name}/readaloud_1d"),
        ]
    if reshaped:
        if opset >= 13:
            graph.initializer.append(numpy_helper.from_array(np.array([2], dtype=np.int64), _AXIS))
        del graph.node[:]
        graph.node.extend(nodes)
    logger.debug("%d convolution weights made 2-D", len(reshaped))
    return len(reshaped)


def _axis_node(op: str, source: str, target: str, axis: dict, name: str):
    """An Unsqueeze or Squeeze at axis 2, named after its convolution (so it stays in the
    convolution's module: split_decoder goes by names)."""
    from onnx import helper

    extra = {key: value for key, value in axis.items() if key != "inputs"}
    return helper.make_node(op, [source, *axis["inputs"]], [target], name=name, **extra)


@dataclass
class Split:
    front: object
    decoder: object
    frames_input: str
    overlap: int


def split_decoder(model) -> Split | None:
    """The model cut before its decoder, when the decoder is a chain of convolutions and
    pointwise maths from one frames tensor to the output (else None: decode whole)."""
    from onnx import TensorProto, helper
    from onnx.utils import Extractor

    graph = model.graph
    decoder = [node for node in graph.node if node.name.startswith(DECODER_PREFIX)]
    if not decoder or len(graph.output) != 1:
        return None
    produced = {name for node in decoder for name in node.output}
    constants = {tensor.name for tensor in graph.initializer}
    inputs = list(
        dict.fromkeys(
            name
            for node in decoder
            for name in node.input
            if name and name not in produced and name not in constants
        )
    )
    frames_input = decoder[0].input[0]  # what conv_pre reads (through its Unsqueeze)
    if frames_input not in inputs:
        return None
    # The extractor needs the type of every tensor it cuts at. Piper's exports record them;
    # otherwise they are float tensors of rank 3, as convolutions take. (onnx's shape inference
    # would find them too, but copies a 60 MB model several times over: 250 MB more at the peak.)
    typed = {info.name for info in (*graph.value_info, *graph.input, *graph.output)}
    graph.value_info.extend(
        helper.make_tensor_value_info(name, TensorProto.FLOAT, [None, None, None])
        for name in inputs
        if name not in typed
    )
    extractor = Extractor(model)
    part = extractor.extract_model(inputs, [graph.output[0].name])
    if any(node.op_type not in _CHUNKABLE for node in part.graph.node):
        return None
    overlap = receptive_frames(part)
    if overlap is None:
        return None
    front = extractor.extract_model([i.name for i in graph.input], inputs)
    return Split(front, part, frames_input, overlap)


def receptive_frames(model) -> int | None:
    """How many input frames on either side can reach an output sample (rounded up, plus one):
    the longest path through the convolutions, each adding its half-width at its own rate. None
    when a convolution strides or two paths meet at different rates."""
    from onnx import helper

    reach: dict[str, float] = {}  # tensor -> frames of context behind it
    rate: dict[str, int] = {}  # tensor -> output samples per frame at it
    for node in model.graph.node:
        known = [name for name in node.input if name in reach]
        here = max((reach[name] for name in known), default=0.0)
        rates = {rate[name] for name in known} or {1}
        if len(rates) > 1:
            return None
        step = rates.pop()
        if node.op_type in ("Conv", "ConvTranspose"):
            attributes = {a.name: helper.get_attribute_value(a) for a in node.attribute}
            kernel = attributes.get("kernel_shape", [1])[-1]
            dilation = attributes.get("dilations", [1])[-1]
            stride = attributes.get("strides", [1])[-1]
            if node.op_type == "Conv":
                if stride != 1:
                    return None
                here += (kernel - 1) * dilation / 2 / step
            else:
                here += math.ceil(kernel / stride) / step
                step *= stride
        for name in node.output:
            reach[name], rate[name] = here, step
    return math.ceil(max(reach.values(), default=0.0)) + 1
