"""Per-user limits for the endpoints that spend LLM tokens (DESIGN 4.0)."""

from backend.app.limits.llm_rate import llm_rate_limit
from backend.app.limits.run_slots import RunSlots

__all__ = ["RunSlots", "llm_rate_limit"]
