"""The question bank's fixture files: read, validate, load and export."""
