"""``python -m skillgap`` = the ``skillgap`` command."""

from skillgap.cli import main

main()
