"""Date arithmetic that runs natively on both databases.

Django's Extract*/Trunc* functions run on SQLite as Python callbacks, once per
row (far slower than SQL's strftime, see PERF-NOTES); these compile to
strftime/julianday on SQLite and to EXTRACT/date subtraction on PostgreSQL.
"""

from django.db.models import Func, IntegerField


class Year(Func):
    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="CAST(strftime('%%%%Y', %(expressions)s) AS integer)", **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, template="EXTRACT(YEAR FROM %(expressions)s)::integer", **extra)


class DaysBetween(Func):
    """Whole days from the second date expression to the first: DaysBetween(end, start)."""

    output_field = IntegerField()
    arity = 2

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler, connection, template="CAST(julianday(%(expressions)s) AS integer)", arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        # date - date is an integer number of days in PostgreSQL.
        return self.as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra)
