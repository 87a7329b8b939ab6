"""Scripts that print performance figures (see README.md, "Benchmarks")."""
