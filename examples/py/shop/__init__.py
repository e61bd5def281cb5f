"""A tiny shop domain used by the ST3 example workspace."""
