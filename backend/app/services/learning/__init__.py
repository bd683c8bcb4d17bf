"""Learning use cases: turns (start, message), session views, feedback."""
