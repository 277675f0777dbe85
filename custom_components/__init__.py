"""Custom integrations (namespace for the test harness)."""
