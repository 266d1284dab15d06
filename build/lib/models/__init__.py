"""The shared typed records of skillgap: the vocabulary every stage speaks.

Import from the submodules (``models.referential``, ``models.jobad``, ...).
"""
