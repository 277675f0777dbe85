"""Real-browser tests: Home Assistant in a subprocess, driven through Chromium."""
