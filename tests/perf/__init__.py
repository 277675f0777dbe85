"""Measurements: reaction times, setup with a full history, the benchmark of issue 14."""
