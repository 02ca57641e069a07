"""Errata demonstrated in chapter 4 (MNIST: a NumPy network, the CNN, and the training loop).

Each function reproduces, with our own minimal code, what a source listing does, and returns
what actually happens. The helpers are also called by the notebook, so the page and the
appendix show the same computation.
"""

from __future__ import annotations

import types

import numpy as np
import torch

from ..formulas import sigmoid, sigmoid_grad
from . import Kind, erratum

NB = "notebooks/04_mnist"

#: The data sets that ``tf.keras.datasets`` provides (TensorFlow 2.1-2.15 API reference; Keras 3
#: adds california_housing). There is no cats-versus-dogs set among them.
KERAS_DATASETS = (
    "boston_housing",
    "california_housing",
    "cifar10",
    "cifar100",
    "fashion_mnist",
    "imdb",
    "mnist",
    "reuters",
)


def _error(call) -> str:
    """Run ``call`` and return "ExceptionType: message" (or "no error" if it succeeds)."""
    try:
        call()
    except Exception as exc:  # the point is to show whichever error the listing raises
        return f"{type(exc).__name__}: {exc}"
    return "no error"


# -- 001 §3.2: the 784-500-10 network by hand -----------------------------------------------


#: The learning rate of the one-step comparison (small enough for one step on 64 images).
ONE_STEP_LR = 0.05


def update_sign_example(n: int = 64, lr: float = ONE_STEP_LR, seed: int = 0) -> dict:
    """Loss on the first ``n`` training images before and after one step of each update rule."""
    from ..data import mnist
    from ..mnist.numpy_net import PRINTED, SigmoidMLP, UpdateRule

    images, labels = mnist.load("train")
    X = images[:n].reshape(n, -1) / 255.0
    y = labels[:n]
    out = {}
    for name, rule in (("before", None), ("printed", PRINTED), ("corrected", UpdateRule(lr=lr))):
        net = SigmoidMLP.initialise(seed=seed)
        if rule is not None:
            net.step(X, y, rule)
        out[name] = net.loss(X, y)
    return out


@erratum(
    source="001",
    section="§3.2",
    quantity="parameter update of the pseudocode",
    printed="weights += hidden_output.T.dot(delta)  (no learning rate)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch04-numpy-update",
)
def update_climbs_the_loss():
    r = update_sign_example()
    return (
        f"adding the gradient climbs the loss: one step on 64 images takes it from "
        f"{r['before']:.3f} to {r['printed']:.3f}; θ ← θ − η∂L/∂θ (η = {ONE_STEP_LR}) "
        f"lowers it to {r['corrected']:.3f}"
    )


def hidden_derivative_example(z: float = 0.0) -> tuple[float, float]:
    """σ'(z) = a(1 - a) at a = σ(z), and σ'(a): the chapter's derivative of the *output*."""
    a = sigmoid(np.array([z]))
    return float((a * (1 - a))[0]), float(sigmoid_grad(a)[0])


@erratum(
    source="001",
    section="§3.2",
    quantity="derivative of the hidden layer",
    printed="sigmoid_derivative(hidden_layer_output)  (never defined)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch04-numpy-update",
)
def hidden_derivative_of_the_output():
    right, wrong = hidden_derivative_example(0.0)
    return (
        f"needs σ'(z) = a(1 − a) = {right:.4f} at z = 0; the sigmoid derivative taken at "
        f"the output a gives σ'(a) = {wrong:.4f}"
    )


def one_example_weight_gradient() -> str:
    """What ``x.T.dot(delta)`` does for one example stored as 1-D vectors (784,) and (500,)."""
    x, delta = np.zeros(784), np.zeros(500)
    return _error(lambda: x.T.dot(delta))


@erratum(
    source="001",
    section="§3.2",
    quantity="weight gradient of one example",
    printed="input_data.T.dot(d_hidden_layer_input)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-numpy-vectors",
)
def vectors_do_not_transpose():
    return (
        f"{one_example_weight_gradient()} (.T does nothing to a 1-D array); the outer "
        f"product np.outer(delta, x) has shape {np.outer(np.zeros(500), np.zeros(784)).shape}"
    )


# -- 004 §4.3/§5.2: cats versus dogs ----------------------------------------------------------


def keras_datasets_namespace() -> types.ModuleType:
    """A stand-in for ``tf.keras.datasets`` holding exactly the data sets Keras provides."""
    ns = types.ModuleType("keras.datasets")
    for name in KERAS_DATASETS:
        setattr(ns, name, types.ModuleType(f"keras.datasets.{name}"))
    return ns


def dogs_cats_loader_error() -> str:
    ns = keras_datasets_namespace()
    return _error(lambda: ns.dogs_cats.load_data())


@erratum(
    source="004",
    section="§5.2",
    quantity="data loader",
    printed="tf.keras.datasets.dogs_cats.load_data()",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-catsdogs",
)
def dogs_cats_does_not_exist():
    return (
        f"{dogs_cats_loader_error()}; Keras ships {len(KERAS_DATASETS)} data sets "
        f"({', '.join(KERAS_DATASETS)}), none of them cats and dogs"
    )


def cats_dogs_parameters(sizes=(28, 150)) -> dict[int, int]:
    """Parameter count of the chapter's cats-versus-dogs CNN for square inputs of each size."""
    from ..mnist.cnn import CatsDogsCNN, count_parameters

    return {s: count_parameters(CatsDogsCNN(s)) for s in sizes}


@erratum(
    source="004",
    section="§4.3",
    quantity="input size of the cats-versus-dogs CNN",
    printed="photos scaled to 28 × 28 (× 3)",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch04-catsdogs",
)
def cats_dogs_at_mnist_size():
    p = cats_dogs_parameters()
    return (
        f"28 × 28 is MNIST's size, not a photo's; with one conv layer the dense layer "
        f"grows with the image: {p[28]:,} parameters at 28 × 28, {p[150]:,} at 150 × 150"
    )


# -- 002 §3.2-3.3: the generic loop and the ImageFolder script --------------------------------


def batch_attribute_error() -> str:
    """What ``batch.input`` does to a batch from a real DataLoader."""
    from torch.utils.data import DataLoader, TensorDataset

    data = TensorDataset(torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.long))
    batch = next(iter(DataLoader(data, batch_size=2)))
    return _error(lambda: batch.input)


@erratum(
    source="002",
    section="§3.2",
    quantity="reading a batch",
    printed="model.forward(batch.input); loss_function(predictions, batch.label)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-loop",
)
def batches_are_pairs():
    return f"{batch_attribute_error()}; a batch is a pair: for inputs, labels in loader"


def module_method_errors() -> dict[str, str]:
    """What the pseudocode's model methods do on a real ``torch.nn.Module``."""
    from ..mnist.cnn import ChapterCNN

    model = ChapterCNN()
    return {
        "model.backward(loss)": _error(lambda: model.backward),
        "model.update_parameters()": _error(lambda: model.update_parameters),
        "model.optimize()": _error(lambda: model.optimize),
        "model.apply()": _error(lambda: model.apply()),
    }


@erratum(
    source="002",
    section="§3.2",
    quantity="backward pass and update",
    printed="model.backward(loss); model.update_parameters()",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-loop",
)
def modules_have_no_backward():
    errors = module_method_errors()
    return (
        f"{errors['model.backward(loss)']}; the loss back-propagates (loss.backward()) and "
        "the optimizer updates (optimizer.step(), after optimizer.zero_grad())"
    )


@erratum(
    source="002",
    section="§3.2",
    quantity="applying the model",
    printed="model.optimize(); model.apply()",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-loop",
)
def apply_needs_a_function():
    errors = module_method_errors()
    return f"{errors['model.apply()']} (it maps fn over submodules); {errors['model.optimize()']}"


def evaluation_without_eval_mode(seed: int = 0) -> tuple[bool, bool]:
    """Do two no-grad passes over one batch agree, in training mode and in eval mode?"""
    from ..mnist.cnn import ChapterCNN

    torch.manual_seed(seed)
    model = ChapterCNN()
    x = torch.rand(8, 1, 28, 28, generator=torch.Generator().manual_seed(seed))
    with torch.no_grad():
        model.train()
        same_train = torch.equal(model(x), model(x))
        model.eval()
        same_eval = torch.equal(model(x), model(x))
    return same_train, same_eval


@erratum(
    source="002",
    section="§3.2",
    quantity="evaluation mode",
    printed="with torch.no_grad(): ... (no model.eval())",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch04-loop",
)
def no_grad_is_not_eval():
    same_train, same_eval = evaluation_without_eval_mode()
    return (
        f"no_grad leaves dropout on: two passes over the same images agree: {same_train}; "
        f"after model.eval(): {same_eval}"
    )


def undefined_names() -> dict[str, bool]:
    """Is each name the §3.3 script uses without defining it provided by torch or torch.nn?"""
    return {
        name: hasattr(torch, name) or hasattr(torch.nn, name)
        for name in ("LargeModel", "num_epochs")
    }


@erratum(
    source="002",
    section="§3.3",
    quantity="the model and the epoch count",
    printed="model = LargeModel(); for epoch in range(num_epochs)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-loop",
)
def script_names_are_undefined():
    found = undefined_names()
    missing = [n for n, ok in found.items() if not ok]
    return (
        f"NameError: {', '.join(missing)} are defined nowhere (not in the script, torch or "
        "torch.nn); the chapter's CNN and epochs=5 fill them in"
    )
