"""Benchmarks. Each module ``bench/<name>.py`` defines ``run() -> None`` and prints its own ratios."""
