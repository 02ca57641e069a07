"""ZeroRedundancyOptimizer and FSDP with real processes: state bytes and parameters."""

from bigmodel_lab.distributed import launch, zero


def test_sharded_adam_stores_half_the_state_and_follows_plain_adam():
    steps, p = 3, 2
    out = launch.spawn(zero.sharding_worker, p, steps, timeout=90)
    ref_eq, full_eq = zero.train_unsharded("equal layers", steps)
    ref_cnn, full_cnn = zero.train_unsharded("chapter 4 CNN", steps)

    equal = [r["equal layers"] for r in out]
    assert [r["state_bytes"] for r in equal] == [full_eq // p] * p
    assert max(zero.max_gaps(equal[0]["history"], ref_eq)) < 1e-5

    cnn = [r["chapter 4 CNN"] for r in out]
    assert sum(r["state_bytes"] for r in cnn) == full_cnn  # nothing stored twice ...
    assert max(r["state_bytes"] for r in cnn) > 0.9 * full_cnn  # ... but fc1.weight is one piece
    assert max(zero.max_gaps(cnn[0]["history"], ref_cnn)) < 1e-5

    fsdp = [r["fsdp"] for r in out]
    if "error" not in fsdp[0]:
        for name, local, full in fsdp[0]["shapes"]:
            assert local[0] == full[0] // p, name
        counters = 4 * len(fsdp[0]["shapes"])  # Adam's step counter: one per tensor per rank
        assert sum(r["state_bytes"] for r in fsdp) == full_cnn + (p - 1) * counters
        assert max(zero.max_gaps(fsdp[0]["history"], ref_cnn)) < 1e-5


def test_state_bytes_of_plain_adam():
    _, full = zero.train_unsharded("equal layers", 1)
    model = zero.make_model("equal layers")
    n = sum(p.numel() for p in model.parameters())
    tensors = len(list(model.parameters()))
    assert full == 8 * n + 4 * tensors  # two fp32 moments per element, one step counter each
