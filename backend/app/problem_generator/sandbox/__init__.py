"""Run untrusted reference solutions under bubblewrap (DESIGN 4.3: the sandbox)."""

from .limits import SandboxLimits
from .result import RunResult, SandboxUnavailable
from .runner import Sandbox

__all__ = ["RunResult", "Sandbox", "SandboxLimits", "SandboxUnavailable"]
