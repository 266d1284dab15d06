"""``python -m app`` = the ``skillgap`` command."""

from app.cli import main

main()
