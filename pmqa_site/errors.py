"""The refusals a service raises, each with the Thai message a person reads.

Services raise these (or Django's ValidationError for a bad value); `pmqa_site.web` turns
every one of them into a response in one place, for full pages, htmx and JSON alike.
"""


class Refused(Exception):
    """A write the product refuses. `status` is the HTTP status a page answers with."""

    status = 400

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    @property
    def messages(self) -> list[str]:
        return [self.message]


class EditRefused(Refused):
    """This user may not change this office's data now: another office, a central role, or
    the reporting window is closed. What was typed stays in the form."""

    status = 403


class Stale(Refused):
    """The form was drawn from an older version than the one saved now; nothing was saved.
    Subclasses carry what differs so that the page can show it beside the user's text."""

    status = 409
