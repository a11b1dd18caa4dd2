"""Real model: roster names given as hotwords cut the name error rate (tests/data/names)."""

from __future__ import annotations

import pytest

from bench.hotwords import measure, name_error_rate

pytestmark = pytest.mark.model


def test_name_error_rate_counts_mentions():
    rate, misses = name_error_rate(["Ana García", "Ben Okafor"], "Ana García met Ben Okafor and Ana García.",
                                   "ana garcia met ben oak a four and ana garcia")
    assert rate == pytest.approx(1 / 3) and misses == ["Ben Okafor"]


def test_hotwords_cut_the_name_error_rate():
    result = measure("faster-whisper")
    without, with_, as_list = result["off"][0], result["shipped"][0], result["list"][0]
    print(f"name error rate without {without:.0%}, with {with_:.0%} (as a bare list {as_list:.0%})")  # noqa: T201
    assert with_ <= without - 0.2, result
    assert with_ <= as_list + 0.06, result  # the punctuated prompt keeps the names the bare list found
