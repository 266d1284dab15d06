"""One module of commands per package, each a thin wrapper over that package's functions (``register``)."""
