"""iop-guide: a static-site generator for a plain-language guide to intensive outpatient programs.

The package is split so that only ``plugin.py`` and ``cli.py`` know about MkDocs; everything else
is plain Python that the unit tests call directly and that would survive a move to another engine.
"""
