"""One module per command; each has ``run(...) -> int`` returning the exit code."""
