"""Routines as data: the pydantic model (`model`), the loader (`loader`) and built-in TOML files.

Import from the submodules; this package stays empty so that light imports (`limits`) stay light.
"""
