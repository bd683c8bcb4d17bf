"""The few lines of Python that start a solution inside the sandbox.

The launcher is the sandbox's PID 1 (bwrap --as-pid-1). It sets the rlimits, forks, and
runs the solution in the child as `__main__`; then it waits, and exits with the child's
status. Because it is PID 1 of the sandbox's PID namespace, its exit makes the kernel kill
every process the solution left behind, and the solution cannot signal it (an init only
receives signals it handles). It runs with `-I -S`: no site-packages, no environment.
"""

from __future__ import annotations

import resource
import signal

from .limits import SandboxLimits

SOLUTION_PATH = "/sandbox/solution.py"

# The last stderr line when the solution exited but processes it started were still
# running; they are killed with the sandbox either way, but a stdin -> stdout solution has
# no business leaving them, so the run counts as failed.
LEFTOVER_MESSAGE = "LeftoverProcesses: the solution exited with processes still running"

_TEMPLATE = """\
import os, resource
os.nice({nice})
for _k, _s, _h in {rlimits!r}:
    resource.setrlimit(_k, (_s, _h))
with open({path!r}, "rb") as _f:
    _src = _f.read()
_pid = os.fork()
if _pid:
    _, _st, _ru = os.wait4(_pid, 0)
    _code = os.waitstatus_to_exitcode(_st)
    if _code < 0:
        # A SIGKILL at the hard CPU limit (a solution that ignored SIGXCPU) still reads as
        # the CPU limit.
        _cpu = _ru.ru_utime + _ru.ru_stime
        _code = 128 + ({xcpu} if -_code == {kill} and _cpu >= {cpu} else -_code)
    while True:
        try:
            if os.waitpid(-1, os.WNOHANG)[0] == 0:
                break
        except ChildProcessError:
            break
    try:
        os.kill(-1, 0)
    except ProcessLookupError:
        pass
    else:
        if _code == 0:
            os.write(2, {leftover!r})
            _code = 1
    os._exit(_code)
del os, resource, _k, _s, _h, _f, _pid
exec(compile(_src, {path!r}, "exec"), {{"__name__": "__main__"}})
"""


def launcher_source(limits: SandboxLimits) -> str:
    """The launcher's source for these limits (only integers are interpolated)."""
    cpu = int(limits.cpu_seconds)
    rlimits = (
        (resource.RLIMIT_CPU, cpu, cpu + 1),  # soft: SIGXCPU, which the exit code shows
        (resource.RLIMIT_AS, int(limits.memory_bytes), int(limits.memory_bytes)),
        (resource.RLIMIT_NPROC, int(limits.processes), int(limits.processes)),
        (resource.RLIMIT_FSIZE, int(limits.output_bytes), int(limits.output_bytes)),
        (resource.RLIMIT_NOFILE, int(limits.open_files), int(limits.open_files)),
        (resource.RLIMIT_CORE, 0, 0),
    )
    return _TEMPLATE.format(
        rlimits=rlimits,
        nice=int(limits.nice),
        path=SOLUTION_PATH,
        xcpu=int(signal.SIGXCPU),
        kill=int(signal.SIGKILL),
        cpu=cpu,
        leftover=(LEFTOVER_MESSAGE + "\n").encode(),
    )
