"""Vendor spec updates (report, changelog, regenerate) and vendoring the generated client into other projects."""
