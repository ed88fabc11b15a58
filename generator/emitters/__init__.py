"""Generator emitters: each takes the frozen catalogue and returns the files it owns."""
