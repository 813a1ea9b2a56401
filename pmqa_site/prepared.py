"""Reads whose SQL the ORM writes once per process: the busiest pages run the same few
queries with other values on every request, and on them building and compiling a queryset
cost more than the database took to answer it (README, "Page costs").

    rows = prepared_values(
        ("queue-page", len(states)),                    # one key per shape of the query
        lambda catalogue, *states: SubItemReport.objects.filter(
            assessment__catalogue_id=catalogue, state__in=states
        ).values("id", "state").order_by("id")[:51],
        catalogue.pk, *states,
    )

`build` is called once per key and database, with stand-in values in place of the
arguments; the SQL it compiles to is kept, and each call runs it with the real values, its
rows read through the backend's own converters as `values()` would. Only integers and
strings can be arguments, and each must reach the SQL as a parameter of its own, unchanged
(an equality or `__in`, not `__icontains`, whose parameter the ORM rewrites): a key whose
stand-ins cannot all be found in the compiled parameters is refused when first built, so a
misuse fails in the tests, not in front of a user. The same key must always build the same
shape: a different shape needs a different key.
`prepared_instances` does the same for a queryset of model instances and the rows
select_related() would join to them. `prepared_insert` does it for writes: the INSERT, or
the INSERT ... ON CONFLICT DO UPDATE, that bulk_create() writes for the same rows, and
`prepared_update` the UPDATE of one row that filter(pk=...).update(...) writes, and
`prepared_execute` runs SQL a module wrote itself.
`tests/assessments/test_prepared.py` holds the rows, the instances and the statements equal
to the ORM's.

On PostgreSQL each of these statements is also prepared on the server, once per connection
(PREPARE, then EXECUTE with the values): the server parses and plans it once, not on every
request, which halves what these small queries cost it (README, "Page costs"). A statement
the server cannot prepare runs as plain SQL, as everywhere else. Prepared statements belong
to a connection, so a pooler that hands one connection's transactions to another (PgBouncer
in transaction mode before 1.21) needs `PREPARED_ON_SERVER = False`. In Django's query log
such a statement reads `EXECUTE pmqa_<hash>(values)`; `statement_text()` gives its SQL back.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connections, router
from django.db.models import AutoField, Model, QuerySet
from django.db.models.constants import OnConflict
from django.db.models.sql import InsertQuery, UpdateQuery

# Stand-ins for the arguments while the SQL is written. Integers within every integer
# field's range (Django turns a lookup on a value out of its field's range into no SQL at
# all); strings no form accepts.
_INT_BASE = 32_700
logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class _ServerStatement:
    name: str
    prepare: str  # PREPARE name AS <the SQL, with $1, $2 ... for its parameters>
    execute: str  # EXECUTE name(%s, %s ...), the values filled in by the driver


_server_statements: dict[str, _ServerStatement] = {}  # SQL -> its statement
_by_name: dict[str, str] = {}  # statement name -> SQL
_refused: set[str] = set()  # SQL the server would not prepare: run as plain SQL
_EXECUTE = re.compile(r"\s*EXECUTE (pmqa_[0-9a-f]+)\b")


def _server_statement(sql: str) -> _ServerStatement:
    statement = _server_statements.get(sql)
    if statement is None:
        numbers = itertools.count(1)
        # The driver's own reading of the SQL: "%s" is a parameter, "%%" a literal "%".
        text = re.sub(r"%[%s]", lambda m: "%" if m.group() == "%%" else f"${next(numbers)}", sql)
        count = next(numbers) - 1
        name = "pmqa_" + hashlib.blake2b(sql.encode(), digest_size=8).hexdigest()
        values = f"({', '.join(['%s'] * count)})" if count else ""
        statement = _ServerStatement(name=name, prepare=f"PREPARE {name} AS {text}", execute=f"EXECUTE {name}{values}")
        _by_name[name] = sql
        _server_statements[sql] = statement
    return statement


def statement_text(sql: str) -> str:
    """The SQL of a statement from Django's query log: an `EXECUTE pmqa_...` is given back as
    the SQL it prepared; anything else as it is."""
    found = _EXECUTE.match(sql)
    return _by_name.get(found.group(1), sql) if found else sql


def _prepare(connection, cursor, statement: _ServerStatement) -> bool:
    """PREPARE the statement on this connection; False if the server would not. Sent through
    the driver's own cursor: bookkeeping done once per connection, not a query of the
    request's in Django's query log. A PREPARE outlives a rollback; a failed one must not
    break the caller's transaction, hence the savepoint, sent in the same round trip."""
    driver = cursor.cursor
    try:
        if connection.in_atomic_block:
            driver.execute(f"SAVEPOINT pmqa_prepare; {statement.prepare}; RELEASE SAVEPOINT pmqa_prepare")
        else:
            driver.execute(statement.prepare)
    except connection.Database.Error:
        if connection.in_atomic_block:
            with connection.wrap_database_errors:  # a transaction already broken stays Django's error
                driver.execute("ROLLBACK TO SAVEPOINT pmqa_prepare; RELEASE SAVEPOINT pmqa_prepare")
        logger.warning("statement run as plain SQL: the server would not prepare it", exc_info=True)
        return False
    return True


def prepared_execute(connection, cursor, sql: str, params: list) -> None:
    """cursor.execute(sql, params); on PostgreSQL, the statement prepared on the server once
    per connection and executed with `params`. For SQL a module writes itself and runs on
    every request (orgprofile/auth.py: the user, role and office of each request)."""
    if connection.vendor != "postgresql" or sql in _refused or not getattr(settings, "PREPARED_ON_SERVER", True):
        cursor.execute(sql, params)
        return
    statement = _server_statement(sql)
    raw = connection.connection
    kept = getattr(connection, "_pmqa_prepared", None)
    if kept is None or kept[0] is not raw:  # a new connection has none prepared yet
        kept = connection._pmqa_prepared = (raw, set())
    if statement.name not in kept[1]:
        if not _prepare(connection, cursor, statement):
            _refused.add(sql)
            cursor.execute(sql, params)
            return
        kept[1].add(statement.name)
    cursor.execute(statement.execute, params)


def _stand_in(index: int, value):
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ImproperlyConfigured(f"prepared_values takes integers and strings only, not {type(value).__name__}")
    return _INT_BASE + index if isinstance(value, int) else f"\ufffeprepared-{index}\ufffe"


@dataclass(frozen=True)
class _Compiled:
    sql: str
    params: tuple  # ("arg", index) or ("constant", value), in the SQL's order
    compiler: object
    names: tuple[str, ...]
    # What results_iter() would work out on every call: column → the converters Django
    # applies to its values (dates on SQLite, JSON, ...); None where results_iter() itself
    # must run (a composite primary key among the columns).
    converters: dict | None


_kept: dict[tuple, _Compiled] = {}


def _compile(build: Callable[..., QuerySet], args: tuple, using: str | None) -> _Compiled:
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    queryset = build(*stand_ins)
    if using is not None:
        queryset = queryset.using(using)
    query = queryset.query
    if not query.values_select and not query.annotation_select and not query.selected:
        raise ImproperlyConfigured("prepared_values needs a values() queryset")
    compiler = query.get_compiler(queryset.db)
    sql, raw = compiler.as_sql()
    where = {stand_in: i for i, stand_in in enumerate(stand_ins)}
    params, found = [], set()
    for value in raw:
        index = where.get(value) if isinstance(value, (int, str)) and not isinstance(value, bool) else None
        if index is not None:
            params.append(("arg", index))
            found.add(index)
        elif isinstance(value, str) and "\ufffeprepared-" in value:
            raise ImproperlyConfigured(f"an argument of prepared_values reaches the SQL rewritten: {value!r}")
        else:
            params.append(("constant", value))
    if found != set(range(len(args))):
        raise ImproperlyConfigured("an argument of prepared_values does not reach the SQL as a parameter")
    names = (
        tuple(query.selected)
        if query.selected
        else (*query.extra_select, *query.values_select, *query.annotation_select)
    )
    fields = [selected[0] for selected in compiler.select[: compiler.col_count]]
    converters = None if compiler.has_composite_fields(fields) else compiler.get_converters(fields)
    return _Compiled(sql=sql, params=tuple(params), compiler=compiler, names=names, converters=converters)


def prepared_values(key: tuple, build: Callable[..., QuerySet], *args, using: str | None = None) -> list[dict]:
    """The rows of `build(*args)` (a values() queryset) as dicts, its SQL compiled once per key."""
    compiled = _kept.get((key, using))
    if compiled is None:
        compiled = _kept[(key, using)] = _compile(build, args, using)
    params = [args[value] if kind == "arg" else value for kind, value in compiled.params]
    connection = connections[compiled.compiler.using]
    with connection.cursor() as cursor:
        prepared_execute(connection, cursor, compiled.sql, params)
        rows = cursor.fetchall()
    compiler = compiled.compiler
    width = compiler.col_count
    if compiled.converters is None:
        converted = compiler.results_iter(results=[[row[:width] for row in rows]])
    elif compiled.converters:
        converted = compiler.apply_converters((row[:width] for row in rows), compiled.converters)
    else:
        converted = (row[:width] for row in rows)
    names = compiled.names
    return [dict(zip(names, row, strict=True)) for row in converted]


def _columns(model: type[Model], prefix: str = "") -> tuple[str, ...]:
    return tuple(prefix + field.attname for field in model._meta.concrete_fields)


def prepared_instances(
    key: tuple, model: type[Model], build: Callable[..., QuerySet], *args, related: tuple[str, ...] = (), using=None
) -> list:
    """The instances of `build(*args)` (a queryset of `model`), loaded as the ORM loads them
    (every concrete column, through Model.from_db), with the instances of the forward foreign
    keys named in `related` already set on them, as select_related() sets them; its SQL
    compiled once per key. The queryset's filters and order apply; select_related(),
    only() and defer() in it do not (`related` says what is joined)."""
    own = _columns(model)
    joins = []
    for name in related:
        field = model._meta.get_field(name)
        joins.append(
            (field, field.related_model, _columns(field.related_model), _columns(field.related_model, name + "__"))
        )
    names = own + tuple(column for *_, columns in joins for column in columns)
    rows = prepared_values(key, lambda *stand_ins: build(*stand_ins).values(*names), *args, using=using)
    db = using or router.db_for_read(model)
    instances = []
    for row in rows:
        instance = model.from_db(db, own, [row[name] for name in own])
        for field, related_model, attnames, columns in joins:
            if getattr(instance, field.attname) is None:
                field.set_cached_value(instance, None)
            else:
                field.set_cached_value(instance, related_model.from_db(db, attnames, [row[c] for c in columns]))
        instances.append(instance)
    return instances


@dataclass(frozen=True)
class _CompiledInsert:
    sql: str
    fields: tuple
    returning: tuple  # the fields the database sends back (the primary key), or ()
    compiler: object


_kept_inserts: dict[tuple, _CompiledInsert] = {}


def _insert_params(compiler, fields, objs) -> list:
    """The parameters Django's insert compiler passes for `objs`, in its order and shape (on
    PostgreSQL, many rows go as one array per column: INSERT ... SELECT * FROM UNNEST)."""
    value_rows = []
    for obj in objs:
        row = []
        for field in fields:
            value = compiler.pre_save_val(field, obj)
            if hasattr(value, "resolve_expression"):
                raise ImproperlyConfigured("prepared_insert takes plain values, not expressions")
            row.append(field.get_db_prep_save(value, connection=compiler.connection))
        value_rows.append(row)
    _placeholders, param_rows = compiler.assemble_as_sql(fields, value_rows)
    return [p for row in param_rows for p in row] + list(compiler.returning_params)


@functools.cache
def _insert_fields(model: type[Model]) -> tuple:
    """The columns bulk_create() writes for new rows: all but the generated and the auto key."""
    return tuple(f for f in model._meta.concrete_fields if not f.generated and not isinstance(f, AutoField))


def prepared_insert(
    key: tuple,
    objs: list[Model],
    *,
    unique_fields: tuple[str, ...] = (),
    update_fields: tuple[str, ...] = (),
    using=None,
) -> list[Model]:
    """bulk_create(objs) in one INSERT, or with `update_fields` the upsert
    bulk_create(objs, update_conflicts=True, unique_fields=..., update_fields=...) makes: the
    same SQL, compiled by Django once per key and number of rows. The primary keys come
    back onto `objs` where the database can return them (PostgreSQL, SQLite), as
    bulk_create sets them. New rows only (no primary key set), one model, no expressions."""
    model = type(objs[0])
    opts = model._meta
    db = using or router.db_for_write(model)
    connection = connections[db]
    if any(type(obj) is not model or obj.pk is not None for obj in objs):
        raise ImproperlyConfigured("prepared_insert takes new rows of one model")
    for obj in objs:
        obj._prepare_related_fields_for_save(operation_name="bulk_create")
    fields = _insert_fields(model)
    batch = max(connection.ops.bulk_batch_size(fields, objs), 1)
    if len(objs) > batch:  # as bulk_create does, where a database takes few parameters (SQLite)
        for start in range(0, len(objs), batch):
            prepared_insert(
                key, objs[start : start + batch], unique_fields=unique_fields, update_fields=update_fields, using=db
            )
        return objs
    compiled = _kept_inserts.get((key, len(objs), db))
    if compiled is None:
        query = InsertQuery(
            model,
            on_conflict=OnConflict.UPDATE if update_fields else None,
            update_fields=[opts.get_field(name) for name in update_fields],
            unique_fields=[opts.get_field(name) for name in unique_fields],
        )
        query.insert_values(fields, objs)
        compiler = query.get_compiler(using=db)
        returning = tuple(opts.db_returning_fields) if connection.features.can_return_rows_from_bulk_insert else ()
        compiler.returning_fields = list(returning) or None
        statements = compiler.as_sql()
        if len(statements) != 1:
            raise ImproperlyConfigured("prepared_insert needs a database that inserts many rows in one statement")
        sql, params = statements[0]
        # The parameters are rebuilt on each call as the compiler built them here.
        if len(_insert_params(compiler, fields, objs)) != len(params) or sql.count("%s") != len(params):
            raise ImproperlyConfigured("prepared_insert: the compiled SQL does not take one parameter per value")
        query.objs = []  # the compiler is kept; these rows need not be
        compiled = _kept_inserts[(key, len(objs), db)] = _CompiledInsert(
            sql=sql, fields=fields, returning=returning, compiler=compiler
        )
    params = _insert_params(compiled.compiler, compiled.fields, objs)
    with connection.cursor() as cursor:
        prepared_execute(connection, cursor, compiled.sql, params)
        rows = connection.ops.fetch_returned_insert_rows(cursor) if compiled.returning else []
    if rows:
        cols = [field.get_col(opts.db_table) for field in compiled.returning]
        converters = compiled.compiler.get_converters(cols)
        if converters:
            rows = list(compiled.compiler.apply_converters(rows, converters))
        for obj, row in zip(objs, rows, strict=True):
            for field, value in zip(compiled.returning, row, strict=True):
                setattr(obj, field.attname, value)
    for obj in objs:
        obj._state.adding = False
        obj._state.db = db
    return objs


@dataclass(frozen=True)
class _CompiledUpdate:
    sql: str
    fields: tuple


_kept_updates: dict[tuple, _CompiledUpdate] = {}


def _update_params(fields, values, connection) -> list:
    """The parameters Django's update compiler passes for `values`, in its order (a None is
    written into the SQL as NULL, not passed)."""
    params = []
    for field, value in zip(fields, values, strict=True):
        if hasattr(value, "resolve_expression"):
            raise ImproperlyConfigured("prepared_update takes plain values, not expressions")
        if hasattr(value, "prepare_database_save"):
            value = value.prepare_database_save(field)
        value = field.get_db_prep_save(value, connection=connection)
        if value is not None:
            params.append(value)
    return params


def prepared_update(key: tuple, model: type[Model], pk: int, values: dict, *, using=None) -> int:
    """model.objects.filter(pk=pk).update(**values), the same UPDATE compiled by Django once per
    key, columns and which of them are set to NULL; the number of rows changed. Plain values
    (a model instance for a foreign key), no expressions."""
    db = using or router.db_for_write(model)
    connection = connections[db]
    shape = (key, tuple(values), tuple(value is None for value in values.values()), db)
    compiled = _kept_updates.get(shape)
    if compiled is None:
        fields = tuple(model._meta.get_field(name) for name in values)
        stand_in = _stand_in(0, pk)
        query = model._base_manager.using(db).filter(pk=stand_in).query.chain(UpdateQuery)
        query.add_update_values(values)
        sql, params = query.get_compiler(db).as_sql()
        if list(params) != [*_update_params(fields, values.values(), connection), stand_in]:
            raise ImproperlyConfigured("prepared_update: the compiled SQL does not take one parameter per value")
        compiled = _kept_updates[shape] = _CompiledUpdate(sql=sql, fields=fields)
    with connection.cursor() as cursor:
        prepared_execute(
            connection, cursor, compiled.sql, [*_update_params(compiled.fields, values.values(), connection), pk]
        )
        return cursor.rowcount
