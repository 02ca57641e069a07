"""The referees: independent computations that every hand-derived result is checked against.

- ``finite_differences``: central differences, ∂L/∂θ_j ≈ (L(θ + h e_j) - L(θ - h e_j)) / 2h.
- ``autograd_twins``: a :class:`~bigmodel_lab.formulas.DenseNetwork` rewritten with torch's
  own ops (differentiated by torch.autograd) and with this package's Triton kernels.
- ``kernel_cases``: every kernel beside its NumPy formula and torch's operation (a
  :class:`~.kernel_cases.Case` per operation, with inputs and sizes to try).
- ``kernel_triads``: runs a case's three implementations on the same inputs and tabulates
  how far apart they are; the kernel optimizers against ``torch.optim``.

This layer sits above ``formulas``, ``kernels`` and ``data`` and below the chapters. How a
comparison is printed lives in :mod:`bigmodel_lab.display`.
"""

from .autograd_twins import kernel_dense_gradients, torch_dense_gradients
from .finite_differences import numerical_gradient

__all__ = ["kernel_dense_gradients", "numerical_gradient", "torch_dense_gradients"]
