"""DDL of the tables this package owns (see skillgap.store)."""

DDL: list[str] = []
