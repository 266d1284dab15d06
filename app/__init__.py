"""The application layer: the ``skillgap`` command, its options and the demo, on top of the packages.

The packages (``referentials``, ``crawler``, ``nlp``, ``analysis``, ``api``, ``reports``) are libraries
and never import this one; ``skillgap/`` is the core they all build on (errors, settings, store).
"""
