"""The use cases routes call, and the one container they are built in (container.py)."""
