"""Chapter 4: handwritten digits, from a NumPy network to a CNN.

- ``numpy_net``: the 784-500-10 sigmoid network of 001 §3.2 trained by hand, with the
  chapter's printed update rule and the corrected one (:class:`~.numpy_net.UpdateRule`).
- ``cnn``: the CNN of 001 §5.2 (:class:`~.cnn.ChapterCNN`, modules ``conv``, ``fc1``, ``fc2``
  as in chapter 6's ``bigmodel_lab.kernel_cnn.KernelCNN``), its one-change variants, :class:`~.cnn.ImprovedCNN`,
  the cats-versus-dogs network of 004 §5.2, and layer-by-layer size tables.
- ``batches``: mini-batches sliced from in-memory tensors, and random-shift augmentation.
- ``image_folder``: images in class folders and the PIL transforms (resize, to-tensor,
  normalise) that the 002 §3.3 script takes from torchvision, which cannot be installed here.

The data come from :mod:`bigmodel_lab.data.mnist`.
"""
