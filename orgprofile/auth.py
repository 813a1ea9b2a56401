"""The authentication backend of local accounts: Django's ModelBackend, plus what every page
asks of the user next, loaded with the user in the same query: the role (pmqa_site.roles)
and the office the user belongs to. A page then starts with two queries (the session, the
user), as a bare Django view does, instead of five.

Every request runs this query, so it is written once per process as SQL (from the models'
own table and column names) and read into model instances through the backend's own value
converters: building it with the ORM on every request cost more than the rest of a small
page (`make bench-pages`, README "Page costs"). `tests/orgprofile/test_auth_backend.py`
holds it equal to the ORM's answer."""

from functools import cache

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.db import connections, router
from django.db.models.expressions import Col

from pmqa_site.prepared import prepared_execute
from pmqa_site.roles import ROLE_PRECEDENCE, remember_role

from .models import Membership, Office


class _Reader:
    """The SQL and converters of one model's columns in the user query."""

    def __init__(self, model, alias: str, connection):
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        self.columns = [f"{alias}.{quote(f.column)}" for f in self.fields]
        self.converters = []
        for index, field in enumerate(self.fields):
            expression = Col(alias, field)
            found = connection.ops.get_db_converters(expression) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, found, expression))

    def instance(self, db: str, values: list, connection):
        for index, converters, expression in self.converters:
            value = values[index]
            for converter in converters:
                value = converter(value, expression, connection)
            values[index] = value
        return self.model.from_db(db, self.attnames, values)


@cache
def _user_query(db: str):
    """SQL selecting a user, its highest role group's name, its membership and office."""
    connection = connections[db]
    quote = connection.ops.quote_name
    User = get_user_model()
    user = _Reader(User, "u", connection)
    membership = _Reader(Membership, "m", connection)
    office = _Reader(Office, "o", connection)
    groups = User.groups.through._meta
    group_fk = quote(User.groups.field.m2m_reverse_name())
    user_fk = quote(User.groups.field.m2m_column_name())
    rank = " ".join(f"WHEN g.{quote('name')} = %s THEN {n}" for n in range(len(ROLE_PRECEDENCE)))
    role = (
        f"(SELECT g.{quote('name')} FROM {quote(Group._meta.db_table)} g "
        f"JOIN {quote(groups.db_table)} ug ON ug.{group_fk} = g.{quote('id')} "
        f"WHERE ug.{user_fk} = u.{quote(User._meta.pk.column)} "
        f"AND g.{quote('name')} IN ({', '.join(['%s'] * len(ROLE_PRECEDENCE))}) "
        f"ORDER BY CASE {rank} END LIMIT 1)"
    )
    sql = (
        f"SELECT {', '.join(user.columns)}, {role}, {', '.join(membership.columns)}, {', '.join(office.columns)} "
        f"FROM {quote(User._meta.db_table)} u "
        f"LEFT JOIN {quote(Membership._meta.db_table)} m "
        f"ON m.{quote(Membership.user.field.column)} = u.{quote(User._meta.pk.column)} "
        f"LEFT JOIN {quote(Office._meta.db_table)} o "
        f"ON o.{quote(Office._meta.pk.column)} = m.{quote(Membership.office.field.column)} "
        f"WHERE u.{quote(User._meta.pk.column)} = %s"
    )
    names = [r.value for r in ROLE_PRECEDENCE]
    return sql, [*names, *names], user, membership, office


class OfficeUserBackend(ModelBackend):
    def get_user(self, user_id):
        User = get_user_model()
        try:
            user_id = User._meta.pk.to_python(user_id)
        except Exception:  # a session naming no valid primary key is an anonymous one
            return None
        db = router.db_for_read(User)
        connection = connections[db]
        sql, params, users, memberships, offices = _user_query(db)
        with connection.cursor() as cursor:
            prepared_execute(connection, cursor, sql, [*params, user_id])
            row = cursor.fetchone()
        if row is None:
            return None
        row = list(row)
        n_user, n_membership = len(users.fields), len(memberships.fields)
        user = users.instance(db, row[:n_user], connection)
        if not self.user_can_authenticate(user):
            return None
        membership = None
        if row[n_user + 1] is not None:  # the membership's primary key: the user belongs to an office
            membership = memberships.instance(db, row[n_user + 1 : n_user + 1 + n_membership], connection)
            office = offices.instance(db, row[n_user + 1 + n_membership :], connection)
            Membership.office.field.set_cached_value(membership, office)
            Membership.user.field.set_cached_value(membership, user)
        User.membership.related.set_cached_value(user, membership)
        remember_role(user, row[n_user])
        return user
