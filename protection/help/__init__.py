"""Help for newcomers, a feature that spans the domain: the words of the mechanism (acronyms,
glossary, what each role does: glossary.py) and their pages under /ayuda/ (views.py)."""
