"""Open a frontend page the way a person does, whatever the page was doing."""

from __future__ import annotations

from typing import Any

from .instance import playwright_api

ABORTED = "net::ERR_ABORTED"
"""What Chromium says when the page's own navigation overtook ours."""
ATTEMPTS = 3


def open_page(page: Any, url: str) -> Any:
    """Navigate ``page`` to ``url``, wait for it to load, return the response.

    The frontend moves through its own history (a closed dialog goes back one
    entry, a my-link replaces the address, a new panel reloads the sidebar):
    Chromium aborts a navigation that the page's own navigation overtakes
    (``net::ERR_ABORTED``, seen once in CI after the first-start test closed
    the add-integration dialog). A person would open the address again; so
    does this, at most three times, after the page settled. Any other error
    is raised at once.
    """
    error = playwright_api().Error
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return page.goto(url)
        except error as err:
            if ABORTED not in str(err) or attempt == ATTEMPTS:
                raise
            page.wait_for_load_state()
    raise AssertionError("unreachable")  # pragma: no cover
