"""Links to an office's pages, built for lists of many rows: reverse() once per process and
URL name, then only the office's code (and the sub-item's number) put in. On a list of 50
offices or waiting items, a reverse() per row was a large part of the page's cost."""

from functools import cache
from urllib.parse import quote

from django.urls import reverse

# Placeholders every converter of the office URLs accepts (<str:code>, <int:number>, <str:number>).
_CODE, _NUMBER = "4242424242", "9898989898"
# What Django's reverse() leaves unquoted in a path argument.
_SAFE = "/~:@!$&'()*+,;="


@cache
def _pattern(name: str, with_number: bool) -> tuple[str, ...]:
    """The URL split around its placeholders: (before the code, between, after the number)."""
    url = reverse(name, args=[_CODE, _NUMBER] if with_number else [_CODE])
    before, rest = url.split(_CODE, 1)
    return (before, *rest.split(_NUMBER, 1)) if with_number else (before, rest)


def office_url(name: str, code, number=None) -> str:
    """reverse(name, args=[code] or [code, number]), as reverse() would quote them."""
    parts = _pattern(name, number is not None)
    code = quote(str(code), safe=_SAFE)
    if number is None:
        return parts[0] + code + parts[1]
    return parts[0] + code + parts[1] + quote(str(number), safe=_SAFE) + parts[2]
