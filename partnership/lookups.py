"""`__in` on integer columns leaves out numbers no such column can hold, as Django's own `exact`,
`gt`, `lt` and friends already do (`IntegerFieldOverflow`).

A form's multiple choice of rows (`ModelMultipleChoiceField`) looks its choices up with
`pk__in`; a tampered post choosing 99999999999999999999 made that query raise OverflowError on
SQLite and "integer out of range" on PostgreSQL: a server error instead of "Select a valid
choice". Such a number matches no row, so leaving it out changes no answer.
"""

from django.db.models import IntegerField
from django.db.models.lookups import In


@IntegerField.register_lookup
class IntegerFieldIn(In):
    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            low, high = connection.ops.integer_field_range(
                self.lhs.output_field.get_internal_type()
            )
            self.rhs = [
                value
                for value in self.rhs
                if not isinstance(value, int)
                or ((low is None or value >= low) and (high is None or value <= high))
            ]
        return super().process_rhs(compiler, connection)
