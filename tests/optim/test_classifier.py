"""The 10-20-1 classifier of 002 §4.4, corrected: its data rule, its model, its training."""

import numpy as np
import pytest
import torch

from bigmodel_lab.optim.classifier import classifier_10_20_1, classifier_data, train_classifier

pytestmark = pytest.mark.usefixtures("quiet_single_thread")


def test_the_model_is_the_listings():
    model = classifier_10_20_1()
    assert [type(m).__name__ for m in model] == ["Linear", "ReLU", "Linear", "Sigmoid"]
    assert [(m.in_features, m.out_features) for m in model if isinstance(m, torch.nn.Linear)] == [
        (10, 20),
        (20, 1),
    ]


def test_corrected_classifier_learns_the_rule():
    x, y = classifier_data(100)
    np.testing.assert_array_equal(y[:, 0].numpy(), (x.sum(dim=1) > 0).float().numpy())
    model, losses, acc = train_classifier(epochs=300)
    assert losses.shape == (300,) and losses[-1] < 0.5 * losses[0]
    assert acc > 0.9  # the rule is linear: a 10-20-1 network on 100 examples should find it
