"""Tests of bigmodel_lab.kernels (a package so that test module names stay unique)."""
