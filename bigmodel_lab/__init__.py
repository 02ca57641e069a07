"""bigmodel-lab: the helper package of the executable companion.

Sub-packages and modules, one topic each:

- ``bigmodel_lab.formulas``: readable NumPy reference formulas (activations, linear map,
  softmax, losses, a dense network with explicit forward and backward passes).
- ``bigmodel_lab.bounds``: a difference printed as a bound that reads the same on every machine.
- ``bigmodel_lab.gradcheck``: finite differences and the hand-versus-autograd comparison table.
- ``bigmodel_lab.errata``: structured records of the errors found in the source chapters.
- ``bigmodel_lab.progress`` and ``bigmodel_lab.training``: progress bars and a small training loop.
- ``bigmodel_lab.plotting``: the plots that several chapters share.
"""

__version__ = "0.1.0"
