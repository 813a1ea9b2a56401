"""Reporting windows: when offices may change their data. Extended by the review issue."""


def window_edit_check(*, office, at) -> None:
    """Raise EditRefused when no reporting window is open for `office` at `at`.

    Until reporting windows exist, every office may edit at any time.
    """
    return None
