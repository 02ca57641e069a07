"""The ring all-reduce against dist.all_reduce with real processes, and its cost model."""

import numpy as np
import pytest

from bigmodel_lab.distributed import allreduce, launch


def test_ring_matches_dist_all_reduce_and_sends_what_the_model_says():
    p, sizes = 3, [0, 1, 2, 7, 999, 3000]
    out = launch.spawn(allreduce.ring_worker, p, sizes, [1024], 2, timeout=60)
    for rank_result in out:
        for n, gap, _sent in rank_result["checks"]:
            assert gap < 1e-12, n
    for i, n in enumerate(sizes):
        total = sum(r["checks"][i][2] for r in out)  # all ranks together send 2(p-1)·n·8 bytes
        assert total == 2 * (p - 1) * n * 8
    # n divisible by p: every rank sends exactly 2(p-1)/p of the data
    sent_3000 = [r["checks"][-1][2] for r in out]
    assert sent_3000 == [allreduce.ring_bytes_per_rank(3000 * 8, p)] * p
    assert all(row["ring"] > 0 and row["dist.all_reduce"] > 0 for row in out[0]["timings"])


def test_cost_model_and_fit():
    assert allreduce.ring_bytes_per_rank(100.0, 1) == 0
    assert allreduce.ring_bytes_per_rank(100.0, 4) == 150.0
    n = np.array([1e3, 1e4, 1e5, 1e6, 1e7])
    t = allreduce.model_time(n, 4, alpha=1e-4, beta=1e9)
    alpha, beta = allreduce.fit_alpha_beta(n, t, 4)
    assert alpha == pytest.approx(1e-4, rel=1e-6)
    assert beta == pytest.approx(1e9, rel=1e-6)
    with pytest.raises(ValueError, match="p"):
        allreduce.ring_bytes_per_rank(1.0, 0)
    with pytest.raises(ValueError, match="equal-length"):
        allreduce.fit_alpha_beta([1.0], [1.0], 2)


def test_the_timing_plot_shows_both_measurements_and_the_model():
    rows = [
        {"bytes": b, "ring": 1e-3 + b / 1e9, "dist.all_reduce": 5e-4 + b / 2e9}
        for b in (64, 4096, 1 << 20)
    ]
    fig = allreduce.plot_timings(rows, 2, 5e-4, 1e9)
    assert len(fig.axes[0].lines) == 3
