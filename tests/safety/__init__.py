"""The safety rules of the README, end to end: each test named ``test_rule_<N>_...``, grouped by rule."""
