"""The authentication backend of local accounts: Django's ModelBackend, plus what every page
asks of the user next, loaded with the user in the same query: the role (pmqa_site.roles)
and the office the user belongs to. A page then starts with two queries (the session, the
user), as a bare Django view does, instead of five."""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db.models import Case, IntegerField, OuterRef, Subquery, Value, When

from pmqa_site.roles import ROLE_PRECEDENCE, remember_role

_RANK = Case(
    *[When(name=role.value, then=Value(rank)) for rank, role in enumerate(ROLE_PRECEDENCE)],
    output_field=IntegerField(),
)


class OfficeUserBackend(ModelBackend):
    def get_user(self, user_id):
        role = (
            Group.objects.filter(user=OuterRef("pk"), name__in=[r.value for r in ROLE_PRECEDENCE])
            .order_by(_RANK)
            .values("name")[:1]
        )
        user = (
            get_user_model()
            .objects.select_related("membership__office")
            .annotate(role_name=Subquery(role))
            .filter(pk=user_id)
            .first()
        )
        if user is None or not self.user_can_authenticate(user):
            return None
        remember_role(user, user.role_name)
        return user
