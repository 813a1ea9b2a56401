"""The one decorator style of the project's views: `@role_required(*roles)`.

It includes login: an anonymous user goes to the login page, a user of another role gets the
Thai 403 page. Object rules (own office only, window open) are decided by services and by
`orgprofile.access`, not here.
"""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from .roles import role_of


def role_required(*roles):
    """Let a view through only for users in one of `roles`; others get the 403 page."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if role_of(request.user) not in roles:
                raise PermissionDenied(
                    _("หน้านี้สำหรับ %(roles)s เท่านั้น") % {"roles": ", ".join(str(r.label) for r in roles)}
                )
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
