"""Writes. Keyword-only functions named <entity>_<action>; views and forms call these."""
