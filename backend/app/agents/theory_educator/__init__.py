"""TheoryEducator: writes the theory lesson of a section."""

from backend.app.agents.theory_educator.theory_educator_agent import TheoryEducator

__all__ = ["TheoryEducator"]
