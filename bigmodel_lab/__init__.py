"""bigmodel-lab: the helper package of the executable companion.

The package is built in layers. A module imports only from layers below its own (or from
inside its own package): never up, and never sideways to a sibling of the same layer. A later
chapter builds on an earlier one, so the chapter packages are layers of their own, in chapter
order. ``tests/repository/test_layers.py`` reads :data:`LAYERS` and scans every import.

====  =========================  ===========================================================
rank  layer                      modules
====  =========================  ===========================================================
0     foundations                ``checks`` (argument checks), ``display`` (numbers, bounds
                                 and agreement tables), ``progress`` (bars), ``plotting``
1     maths, kernels and data    ``formulas`` (NumPy reference maths and hand derivatives),
                                 ``kernels`` (Triton kernels), ``data`` (offline data sets)
2     referees and training      ``verification`` (finite differences, autograd and kernel
                                 twins, kernel triads), ``training`` (the one training loop)
3     chapter 2                  ``optim`` (optimizers, schedules, regularisation, studies)
4     chapter 3                  ``worked`` (the worked numeric examples, recomputed)
5     chapter 4                  ``mnist`` (the NumPy network and the CNNs)
6     chapter 5                  ``text`` (tokens, vocabularies, sequence models, scoring)
7     chapter 6                  ``kernel_cnn`` (chapter 4's CNN on the kernels)
8     chapter 7                  ``distributed`` (torch.distributed: DDP, ZeRO, all-reduce)
9     errata and tools           ``errata`` (every source mistake, reproduced and corrected),
                                 ``env`` (``python -m bigmodel_lab.env``)
====  =========================  ===========================================================

Chapter packages hold only correct code; whatever re-creates a source article's mistake (a
printed value, a listing run as printed, a stand-in for a library call that fails) lives in
``errata``, which nothing imports. Chapter 1 needs no package of its own: it is the
formulas and their referees.
"""

__version__ = "0.1.0"

#: The layers, lowest first: (name, modules). Imports go only to a lower layer.
LAYERS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("foundations", ("checks", "display", "progress", "plotting")),
    ("maths, kernels and data", ("formulas", "kernels", "data")),
    ("referees and training", ("verification", "training")),
    ("chapter 2", ("optim",)),
    ("chapter 3", ("worked",)),
    ("chapter 4", ("mnist",)),
    ("chapter 5", ("text",)),
    ("chapter 6", ("kernel_cnn",)),
    ("chapter 7", ("distributed",)),
    ("errata and tools", ("errata", "env")),
)
