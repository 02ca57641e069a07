"""The memory arithmetic: the ZeRO paper's numbers from the formula, and the models' sizes."""

import pytest

from bigmodel_lab.distributed import memory


def test_zero_stages_reproduce_the_papers_figures_for_7_5b_on_64_devices():
    psi, n = 7.5e9, 64
    for stage, printed in memory.PAPER_7_5B_64.items():
        computed = memory.bytes_per_device(psi, n, stage) / memory.GB
        assert round(computed, 1) == pytest.approx(printed, abs=1e-9), stage


def test_the_formulas_by_hand():
    psi, n, k = 1000.0, 10, 12
    assert memory.bytes_per_device(psi, n, "baseline", k) == 16 * psi
    assert memory.bytes_per_device(psi, n, "P_os", k) == 4 * psi + k * psi / n
    assert memory.bytes_per_device(psi, n, "P_os+g", k) == 2 * psi + (2 + k) * psi / n
    assert memory.bytes_per_device(psi, n, "P_os+g+p", k) == (4 + k) * psi / n
    assert memory.bytes_per_parameter()["total"] == 16


def test_every_stage_is_the_baseline_on_one_device_and_never_above_it():
    table = memory.zero_table(7.5e9, (1, 2, 8, 1024))
    assert (table.loc[1] == 120.0).all()
    for stage in memory.STAGES:
        assert (table[stage] <= table["baseline"] + 1e-9).all()
        assert table[stage].is_monotonic_decreasing or stage == "baseline"


def test_what_fits_on_80_gb():
    assert memory.largest_model(80e9, 1, "baseline") == pytest.approx(5e9)
    assert memory.largest_model(80e9, 64, "P_os+g+p") == pytest.approx(320e9)
    assert memory.min_devices(7.5e9, 80e9, "baseline") is None
    assert memory.min_devices(7.5e9, 80e9, "P_os") == 2  # 30 GB fixed + 90 GB / N <= 80 GB
    assert memory.min_devices(175e9, 80e9, "P_os+g+p") == 35
    for stage in memory.STAGES[1:]:
        n = memory.min_devices(7.5e9, 80e9, stage)
        assert memory.bytes_per_device(7.5e9, n, stage) <= 80e9
        if n > 1:
            assert memory.bytes_per_device(7.5e9, n - 1, stage) > 80e9


@pytest.mark.parametrize("name", sorted(memory.MODELS))
def test_parameter_counts_agree_between_formula_and_torch_modules(name):
    assert memory.model_parameters(name) == memory.model_parameters(name, built=True)


def test_published_sizes():
    assert memory.model_parameters("BERT-base") == pytest.approx(110e6, rel=0.01)
    assert memory.model_parameters("BERT-large") == pytest.approx(340e6, rel=0.02)
    assert memory.model_parameters("GPT-3 175B") == pytest.approx(175e9, rel=0.005)


def test_bad_input():
    with pytest.raises(ValueError, match="stage"):
        memory.bytes_per_device(1e9, 4, "P_x")
    with pytest.raises(ValueError, match="n_devices"):
        memory.bytes_per_device(1e9, 0)
    with pytest.raises(ValueError, match="psi"):
        memory.bytes_per_device(-1, 4)
    with pytest.raises(ValueError, match="name"):
        memory.model_parameters("BERT-huge")


def test_the_plot_has_one_line_per_stage():
    fig = memory.plot_memory_per_gpu()
    assert len(fig.axes[0].lines) == len(memory.STAGES) + 1  # and the GPU's capacity
