"""Helpers for the tests: the simulated plug, the clocks, storage, Home Assistant, Assist, a restart.

Fixtures stay in ``tests/conftest.py``, where pytest finds them; the functions
and constants they and the tests share live here, one module per job.
"""
