"""Chapter 3: every worked numeric example of the source chapters, recomputed exactly.

One module per worked example; each holds the example's set-up (the inputs and weights the
chapter gives) and its correct computation, so the notebook only calls them:

- ``sigmoid_2layer``: the 2-2-1 sigmoid network, one gradient step
  (*Large models: from data to business value* §4.3);
- ``recommendation``: the embedding recommendation score
  (*Entrepreneurs chase the commercialisation of large models* §4.3.1);
- ``diagnosis``: the diagnosis softmax (same chapter, §4.3.2);
- ``mlp_3_10_5_2``: the 3-10-5-2 MLP with seeded weights, layer by layer
  (*Evaluating the business value of large models* §4.5);
- ``figures``: the 2-2-1 network and its gradients, drawn (imported on demand: matplotlib).

What the chapters printed (their values, their formulas as written) is reproduced beside each
example in :mod:`bigmodel_lab.errata` (``<example>_as_printed``), never here.
"""

from . import diagnosis, mlp_3_10_5_2, recommendation, sigmoid_2layer

__all__ = ["diagnosis", "mlp_3_10_5_2", "recommendation", "sigmoid_2layer"]
