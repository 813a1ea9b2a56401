"""Submitting the forms a page really renders (django-webtest), not hand-built dicts: a field
the page stops rendering, or a form that posts elsewhere, fails these tests."""


def form_posting_to(page, action: str):
    """The rendered form whose action is `action` (a path)."""
    forms = [f for f in page.forms.values() if (f.action or page.request.path).endswith(action)]
    assert forms, f"no form posting to {action} on {page.request.path}"
    return forms[0]


def form_with_field(page, name: str):
    """The rendered form that has a field called `name`."""
    forms = [f for f in page.forms.values() if name in f.fields]
    assert forms, f"no form with a field {name!r} on {page.request.path}"
    return forms[0]


def text_of(response) -> str:
    return response.content.decode() if hasattr(response, "content") else response.text
