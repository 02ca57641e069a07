"""The regression of 000 §5.2 on the diabetes data: the model, its training, the baselines."""

import numpy as np
import pytest
import torch
from sklearn.linear_model import LinearRegression

from bigmodel_lab.optim.regression import (
    predict_numpy,
    regression_baselines,
    regression_mlp,
    train_regression,
)

pytestmark = pytest.mark.usefixtures("quiet_single_thread")


def test_baselines_agree_with_scikit_learn(diabetes):
    base = regression_baselines(diabetes)
    ref = LinearRegression().fit(diabetes.X_fit.astype(float), diabetes.y_fit.astype(float))
    ref_mse = np.mean((ref.predict(diabetes.X_test.astype(float)) - diabetes.y_test) ** 2)
    assert base["linear regression"] == pytest.approx(ref_mse, rel=1e-6)
    assert base["predict the mean"] == pytest.approx(
        np.mean((diabetes.y_test - diabetes.y_fit.astype(float).mean()) ** 2), rel=1e-9
    )


def test_regression_model_is_the_chapters_and_training_lowers_the_loss(diabetes):
    model = regression_mlp(10)
    assert [m.out_features for m in model if isinstance(m, torch.nn.Linear)] == [128, 64, 1]
    assert sum(p.numel() for p in model.parameters()) == (10 * 128 + 128) + (128 * 64 + 64) + 65
    model, history = train_regression(diabetes, epochs=4)
    assert len(history.val_loss) == 4 and history.train_loss[-1] < history.train_loss[0]
    assert predict_numpy(model, diabetes.X_test).shape == (89,)
