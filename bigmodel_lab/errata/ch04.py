"""Errata demonstrated in chapter 4 (MNIST: a NumPy network, the CNN, and the training loop).

Each function reproduces what a source listing does and returns what actually happens; the
helpers are also called by the notebook, so the page and the appendix show the same
computation. Where the listing is Keras, it is run in Keras 3 on the torch backend
(:mod:`.keras_listings`). The listings of *Large models: from data to business value* §3.2 and
*New business models in the age of large models* §3.2-3.3 are labelled 伪代码 (pseudocode):
names they leave undefined (``random_weights``, ``LargeModel``, ``num_epochs``,
``model.backward``) are placeholders, not errors; only what would be wrong in any language is
recorded (a sign, a missing learning rate, shapes that cannot multiply).
"""

from __future__ import annotations

import types

import numpy as np
import torch

from ..formulas import sigmoid, sigmoid_grad
from ..mnist.numpy_net import UpdateRule
from . import Kind, erratum

NB = "notebooks/04_mnist"

#: The data sets that ``keras.datasets`` provides (Keras 3; tf.keras 2.x has the same less
#: california_housing). There is no cats-versus-dogs set among them. The test suite checks the
#: tuple against the installed Keras.
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

#: The update as 001 §3.2's pseudocode prints it: ``+=`` (it climbs the loss), no learning rate
#: (η = 1), and its undefined ``sigmoid_derivative`` given the usual meaning a(1 - a).
PRINTED_UPDATE = UpdateRule(sign=+1, lr=1.0, hidden_derivative="a(1-a)")


def update_sign_example(n: int = 64, lr: float = ONE_STEP_LR, seed: int = 0) -> dict:
    """Loss on the first ``n`` training images before and after one step of each update rule."""
    from ..data import mnist
    from ..mnist.numpy_net import SigmoidMLP

    images, labels = mnist.load("train")
    X = images[:n].reshape(n, -1) / 255.0
    y = labels[:n]
    out = {}
    for name, rule in (
        ("before", None),
        ("printed", PRINTED_UPDATE),
        ("corrected", UpdateRule(lr=lr)),
    ):
        net = SigmoidMLP.initialise(seed=seed)
        if rule is not None:
            net.step(X, y, rule)
        out[name] = net.loss(X, y)
    return out


@erratum(
    source="001",
    section="§3.2",
    quantity="parameter update of the pseudocode (sign, learning rate)",
    printed="weights_hidden_output += hidden_layer_output.T.dot(d_output_layer_output)",
    kind=Kind.WRONG_FORMULA,
    where=f"{NB}#ch04-numpy-update",
)
def update_climbs_the_loss():
    r = update_sign_example()
    return (
        f"d_output_layer_output = output − target is +∂L/∂z, so += climbs the loss, and there "
        f"is no learning rate: one such step on 64 images takes the loss from "
        f"{r['before']:.3f} to {r['printed']:.3f}; θ ← θ − η∂L/∂θ (η = {ONE_STEP_LR}) "
        f"lowers it to {r['corrected']:.3f}"
    )


def hidden_derivative_example(z: float = 0.0) -> tuple[float, float, float]:
    """At a = σ(z): a(1 − a), σ'(a) = σ(a)(1 − σ(a)), and dσ/dz from torch.autograd.

    The first two are the two readings of ``sigmoid_derivative(hidden_layer_output)``; the
    third is the derivative the backward pass needs.
    """
    a = sigmoid(np.array([z]))
    zt = torch.tensor(float(z), dtype=torch.float64, requires_grad=True)
    torch.sigmoid(zt).backward()
    return float((a * (1 - a))[0]), float(sigmoid_grad(a)[0]), float(zt.grad)


@erratum(
    source="001",
    section="§3.2",
    quantity="sigmoid_derivative, called but never defined",
    printed="d_hidden_layer_output = sigmoid_derivative(hidden_layer_output)",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch04-numpy-update",
)
def sigmoid_derivative_never_defined():
    on_output, at_output, needed = hidden_derivative_example(0.0)
    return (
        "the pseudocode defines sigmoid and cross_entropy but not sigmoid_derivative; read in "
        f"the usual way, as a(1 − a) of the output a, the line is right ({on_output:.4f} at "
        f"z = 0, autograd's dσ/dz = {needed:.4f}); read as σ' evaluated at a it gives "
        f"{at_output:.4f}"
    )


#: The pseudocode's forward, loss, backward and update statements, verbatim, in order.
PSEUDOCODE_STEP = (
    "hidden_layer_input = input_data.dot(weights_input_hidden) + biases_input_hidden",
    "hidden_layer_output = sigmoid(hidden_layer_input)",
    "output_layer_input = hidden_layer_output.dot(weights_hidden_output) + biases_hidden_output",
    "output_layer_output = sigmoid(output_layer_input)",
    "loss = cross_entropy(output_layer_output, target)",
    "d_output_layer_output = output_layer_output - target",
    "d_output_layer_input = d_output_layer_output.dot(weights_hidden_output.T)",
    "d_hidden_layer_output = sigmoid_derivative(hidden_layer_output)",
    "d_hidden_layer_input = d_output_layer_input * d_hidden_layer_output",
    "weights_hidden_output += hidden_layer_output.T.dot(d_output_layer_output)",
    "biases_hidden_output += d_output_layer_output",
    "weights_input_hidden += input_data.T.dot(d_hidden_layer_input)",
    "biases_input_hidden += d_hidden_layer_input",
)


def run_pseudocode_step(rows: bool = False, seed: int = 0) -> dict:
    """Execute :data:`PSEUDOCODE_STEP` once in NumPy, in order, until a statement raises.

    The placeholders get the obvious meanings: weights of shape (784, 500) and (500, 10) as
    ``random_weights(input_size, hidden_size)`` says, biases of shape (500,) and (10,),
    ``sigmoid_derivative(a) = a(1 − a)``. One example is a vector of 784 pixels, as
    ``for input_data, target in dataset`` yields it, or, if ``rows``, a (1, 784) row.
    Returns the statements that ran, the one that failed and its error (None if all ran).
    """
    rng = np.random.default_rng(seed)
    x, t = rng.random(784), np.eye(10)[3]
    ns = {
        "np": np,
        "input_data": x[None, :] if rows else x,
        "target": t[None, :] if rows else t,
        "weights_input_hidden": rng.normal(0, 0.05, (784, 500)),
        "biases_input_hidden": np.zeros(500),
        "weights_hidden_output": rng.normal(0, 0.05, (500, 10)),
        "biases_hidden_output": np.zeros(10),
        "sigmoid": lambda v: 1 / (1 + np.exp(-v)),
        "sigmoid_derivative": lambda a: a * (1 - a),
        "cross_entropy": lambda p, y: -np.sum(y * np.log(p) + (1 - y) * np.log(1 - p)),
    }
    ran = []
    for statement in PSEUDOCODE_STEP:
        try:
            exec(statement, ns)  # noqa: S102 -- the listing's own statement, run as printed
        except Exception as exc:  # the point is to report whichever statement fails, and how
            return {"ran": ran, "failed": statement, "error": f"{type(exc).__name__}: {exc}"}
        ran.append(statement)
    return {"ran": ran, "failed": None, "error": None}


def one_example_weight_gradient() -> str:
    """The error of the first pseudocode statement that fails on one 1-D example."""
    return run_pseudocode_step()["error"] or "no error"


@erratum(
    source="001",
    section="§3.2",
    quantity="weight gradient of one example (an inner product where an outer one is needed)",
    printed="hidden_layer_output.T.dot(d_output_layer_output)",
    kind=Kind.CODE_DOES_NOT_RUN,
    where=f"{NB}#ch04-numpy-vectors",
)
def vectors_do_not_transpose():
    vec, row = run_pseudocode_step(), run_pseudocode_step(rows=True)
    return (
        f"with one example as a 784-vector, the first {len(vec['ran'])} statements run and "
        f"the W2 update fails: {vec['error']} (.T does nothing to a 1-D array; the gradient "
        f"is the outer product, shape {np.outer(np.zeros(500), np.zeros(10)).shape}); with "
        f"(1, 784) rows that line runs and the next fails: {row['error']}"
    )


# -- 004 §4.3/§5.2: cats versus dogs ----------------------------------------------------------


def keras_datasets_namespace() -> types.ModuleType:
    """A stand-in for ``keras.datasets`` holding exactly the data sets Keras provides.

    Used only where Keras must not be imported; the test suite checks that it raises the same
    error as the real Keras (:func:`.keras_listings.run_004_catsdogs`).
    """
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
    from .keras_listings import run_004_catsdogs

    r = run_004_catsdogs()
    return (
        f"run in Keras 3 ({r['keras']}, torch backend): the model builds and compiles "
        f"({r['parameters']:,} parameters), then {r['error']}; Keras ships "
        f"{len(r['keras datasets'])} data sets ({', '.join(r['keras datasets'])}), none of "
        "them cats and dogs"
    )


def cats_dogs_parameters(sizes=(28, 150)) -> dict[int, int]:
    """Parameter count of the chapter's cats-versus-dogs CNN for square inputs of each size."""
    from ..mnist.cnn import CatsDogsCNN, count_parameters

    return {s: count_parameters(CatsDogsCNN(s)) for s in sizes}


@erratum(
    source="004",
    section="§5.2",
    quantity="validation set of the cats-versus-dogs listing",
    printed="validation_data=(test_images, test_labels)",
    kind=Kind.INCONSISTENT_SETUP,
    where=f"{NB}#ch04-catsdogs",
)
def test_set_as_validation_set():
    from .keras_listings import validation_is_test

    r = validation_is_test()
    return (
        "§3.2 says the validation set chooses the best model (使用验证数据集对模型进行评估，"
        "选择性能最佳的模型), but the listing's validation data are its test data: in Keras 3 "
        f"the last epoch's val_accuracy and evaluate's test accuracy differ by "
        f"{'< 1e-6' if r['difference'] < 1e-6 else format(r['difference'], '.2g')}, so the "
        "printed 测试准确率 is the figure watched during training, not a held-out one"
    )


# -- 002 §3.2-3.3: the generic loop and the ImageFolder script (pseudocode, no records) --------


def batch_attribute_error() -> str:
    """What ``batch.input`` does to a batch from a real DataLoader."""
    from torch.utils.data import DataLoader, TensorDataset

    data = TensorDataset(torch.zeros(4, 1, 28, 28), torch.zeros(4, dtype=torch.long))
    batch = next(iter(DataLoader(data, batch_size=2)))
    return _error(lambda: batch.input)


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


def undefined_names() -> dict[str, bool]:
    """Is each name the §3.3 script uses without defining it provided by torch or torch.nn?"""
    return {
        name: hasattr(torch, name) or hasattr(torch.nn, name)
        for name in ("LargeModel", "num_epochs")
    }
