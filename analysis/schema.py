"""DDL of the tables this package owns (see skillgap.store).

A schema change is a new ``Migration`` appended to ``MIGRATIONS`` (next number, never edit an
applied one), with the matching change of ``COLUMNS``.
"""

from skillgap.store import Columns, Migration

OWNER = "analysis"
AFTER: tuple[str, ...] = ("nlp",)

MIGRATIONS: list[Migration] = [
    Migration(1, "tables", [
        # latest content of each candidate module, by stable id (a module draft refers to it)
        """CREATE TABLE IF NOT EXISTS out_analysis__modules (
            module_id VARCHAR PRIMARY KEY, rome_code VARCHAR NOT NULL, title VARCHAR NOT NULL,
            first_computed_at TIMESTAMP NOT NULL, last_computed_at TIMESTAMP NOT NULL, module JSON NOT NULL)""",
    ]),
]

COLUMNS: dict[str, Columns] = {
    # no model row: ``module`` is the JSON of the module, the rest its key and dates
    "out_analysis__modules": Columns(
        None, extra=("module_id", "rome_code", "title", "first_computed_at", "last_computed_at", "module")),
}
