"""LangGraph agents of the tutor: LearningSupervisor routes, TheoryEducator teaches."""
