"""Benchmark tooling for Rådsarkiv.

`bench.generate` writes deterministic, corpus-shaped archives (10k to 1M agenda
items) so that ingest, indexing and search can be measured at scale on text
that looks like the real minutes rather than on lorem ipsum.
"""
