"""DDL of the tables this package owns (see skillgap.store)."""

DDL: list[str] = [
    # latest content of each candidate module, by stable id (a module draft refers to it)
    """CREATE TABLE IF NOT EXISTS out_analysis__modules (
        module_id VARCHAR PRIMARY KEY, rome_code VARCHAR NOT NULL, title VARCHAR NOT NULL,
        first_computed_at TIMESTAMP NOT NULL, last_computed_at TIMESTAMP NOT NULL, module JSON NOT NULL)""",
]
