"""Chapter 7: training on many processes with ``torch.distributed`` (gloo on CPUs, NCCL on GPUs).

- ``memory``: bytes per parameter of mixed-precision Adam, the ZeRO stages across N devices
  (Rajbhandari et al., 2020), what fits on one GPU, and the parameter counts of BERT and GPT-3.
- ``launch``: :func:`~.launch.spawn` starts a process group on this machine (free port, spawn
  start method, timeouts, the group always destroyed, errors that name the rank).
- ``ddp``: the shard-gradient formula and DistributedDataParallel on chapter 4's CNN against
  one process on the same global batches.
- ``allreduce``: a ring all-reduce from sends and receives, its cost model 2(p − 1)/p, timings.
- ``zero``: ZeroRedundancyOptimizer (Adam) and FSDP: optimiser-state bytes and parameters.
- ``train``: the same training as a script for ``torchrun`` (one node or many).
- ``failures``: small workers that fail on purpose, for the chapter and the tests.

Worker functions live in these modules because a spawned process imports its function by
name; a function defined in a notebook cannot be sent to it.
"""
