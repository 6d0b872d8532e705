"""Thin function views, one module per area (accounts, assessments, results, reports)."""
