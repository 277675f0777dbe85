"""Tests for Back Recovery."""
