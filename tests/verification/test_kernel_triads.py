"""Running a triad (bigmodel_lab.verification.kernel_triads): tables and the optimizer kernels."""

import torch

from bigmodel_lab.verification import kernel_triads as triads


def test_the_triad_table_has_one_row_per_quantity():
    frame = triads.triad_table(["relu", "mse_loss"], shape_index=1)
    assert list(frame["quantity"]) == ["output", "grad x", "output", "grad pred", "grad target"]
    assert set(frame["kernel vs formula"]) <= {"0", "< 1e-05"}


def test_optimizer_rows_cover_every_setting_within_tolerance():
    rows = triads.optimizer_rows(shape=(5, 7), steps=10)
    assert [r["optimizer"] for r in rows] == list(triads.OPTIMIZER_CONFIGS)
    assert all(r["kernel vs torch.optim"] < triads.RTOL[torch.float32] for r in rows)
