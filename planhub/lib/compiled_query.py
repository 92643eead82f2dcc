"""Querysets of a fixed shape whose SQL is compiled once per process, then run with new values.

Every request reads its session, its user and its membership (with the project, and often the
plan): four queries whose shape never changes, yet Django builds and compiles each anew (about
0.4 ms of CPU a query, ten times what running it costs here). A `CompiledQuery` builds its
queryset once, with `Param` placeholders where the values go, keeps the compiled SQL, and then
only fills the parameters in, runs the SQL on the current connection (counted and logged like
any query) and builds the instances the way the queryset would (`Model.from_db`, its
`select_related` objects, the database's converters).

    SESSION = CompiledQuery(
        lambda: Session.objects.filter(session_key=Param("key", CharField()))
    )
    session = SESSION.get(key=request_key)  # the instance, or None
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import connections, router
from django.db.models import Expression, Field, IntegerField, Model, QuerySet
from django.db.models.query import ModelIterable, get_related_populators


class Param(Expression):
    """Where a value goes in a compiled query: `name` is the keyword `CompiledQuery.get` takes,
    `output_field` prepares it for the database (a datetime for SQLite, say)."""

    def __init__(self, name: str, output_field: Field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def out_of_range(self, value, connection) -> bool:
        if not isinstance(self.output_field, IntegerField):
            return False
        low, high = connection.ops.integer_field_range(self.output_field.get_internal_type())
        value = self.output_field.get_prep_value(value)
        return (low is not None and value < low) or (high is not None and value > high)


@dataclass
class _Compiled:
    alias: str
    sql: str
    params: list  # fixed values, and Params where the caller's values go
    compiler: object  # its converters, and the connection they were made for
    converters: dict
    # How get() builds instances (none for a values_list() query):
    model: type[Model] | None = None
    init_list: list[str] = field(default_factory=list)
    fields_start: int = 0
    fields_end: int = 0
    related_populators: list = field(default_factory=list)
    annotations: dict[str, int] = field(default_factory=dict)  # name: its column


class CompiledQuery:
    """A queryset of one shape (`build()` makes it, with `Param`s for the values), compiled
    once per database alias. Use it only for queries whose SQL cannot depend on anything but
    the parameters (no per-request filters, no `in` lists of varying length)."""

    def __init__(self, build: Callable[[], QuerySet]):
        self.build = build
        self._queryset: QuerySet | None = None
        self._by_alias: dict[str, _Compiled] = {}

    def get(self, **values) -> Model | None:
        """The one instance the query finds (it must select at most one row: on a unique
        key), or None."""
        found = self._run(values, one=True)
        if not found:
            return None
        compiled, rows = found
        return self._instance(compiled, rows[0])

    def all(self, **values) -> list[Model]:
        """Every instance the query finds, in its order."""
        found = self._run(values, one=False)
        if not found:
            return []
        compiled, rows = found
        return [self._instance(compiled, row) for row in rows]

    def row(self, **values) -> tuple | None:
        """The one row of a `values_list()` query (at most one: a unique key, or an aggregate
        grouped on the parameter), or None."""
        found = self._run(values, one=True)
        return tuple(found[1][0]) if found else None

    def rows(self, **values) -> list[tuple]:
        """Every row of a `values_list()` query, in its order."""
        found = self._run(values, one=False)
        return [tuple(row) for row in found[1]] if found else []

    @staticmethod
    def _instance(compiled: _Compiled, row) -> Model:
        instance = compiled.model.from_db(
            compiled.alias, compiled.init_list, row[compiled.fields_start : compiled.fields_end]
        )
        for populator in compiled.related_populators:
            populator.populate(row, instance)
        for name, position in compiled.annotations.items():
            setattr(instance, name, row[position])
        return instance

    def _run(self, values: dict, *, one: bool) -> "tuple[_Compiled, list] | None":
        if self._queryset is None:
            self._queryset = self.build()
        alias = router.db_for_read(self._queryset.model)
        compiled = self._by_alias.get(alias) or self._compile(self._queryset, alias)
        connection = connections[alias]
        params = []
        for param in compiled.params:
            if isinstance(param, Param):
                value = values[param.name]
                if param.out_of_range(value, connection):
                    return None  # as Django's own lookups: no row has it, not a database error
                param = param.output_field.get_db_prep_value(value, connection)
            params.append(param)
        with connection.cursor() as cursor:
            cursor.execute(compiled.sql, params)
            rows = cursor.fetchmany(1) if one else cursor.fetchall()
        if not rows:
            return None
        if compiled.converters:
            rows = list(compiled.compiler.apply_converters(rows, compiled.converters))
        return compiled, rows

    def _compile(self, queryset: QuerySet, alias: str) -> _Compiled:
        compiler = queryset.query.get_compiler(using=alias)
        sql, params = compiler.as_sql()  # also fills compiler.select and klass_info
        compiled = _Compiled(
            alias=alias,
            sql=sql,
            params=list(params),
            compiler=compiler,
            converters=compiler.get_converters([column for column, _, _ in compiler.select]),
        )
        klass_info = compiler.klass_info
        # Instances (get(), all()); a union of values_list() queries has a klass_info, but rows.
        if klass_info is not None and queryset._iterable_class is ModelIterable:
            compiled.annotations = dict(compiler.annotation_col_map or {})
            fields = klass_info["select_fields"]
            start, end = fields[0], fields[-1] + 1
            compiled.model = klass_info["model"]
            compiled.init_list = [
                column.target.attname for column, _, _ in compiler.select[start:end]
            ]
            compiled.fields_start, compiled.fields_end = start, end
            compiled.related_populators = get_related_populators(klass_info, compiler.select, alias)
        self._by_alias[alias] = compiled
        return compiled
