"""The French web application of skillgap (``/app/``), served by ``skillgap serve``: see README.md."""
