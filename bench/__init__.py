"""satchel's benchmarks: `python -m bench [NAMES...] [--quick] [--json FILE]` from the repo root.

The harness (`bench.harness`) measures cases declared in `bench/cases_*.py`; see bench/README.md.
"""
