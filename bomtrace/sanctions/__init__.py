"""Sanctions lists: the tables named parties are screened against (`tables`), the official downloads
they are read from (`formats`), and the lists in use with `update` to load a newer one (`lists`)."""
