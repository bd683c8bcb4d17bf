"""LearningSupervisor: reads the learner's intent and routes the session."""

from backend.app.agents.learning_supervisor.learning_supervisor_agent import LearningSupervisor

__all__ = ["LearningSupervisor"]
