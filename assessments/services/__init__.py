"""Writes of the assessments app, one module per concern. Import from the module itself."""
