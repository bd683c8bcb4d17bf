"""What /proc says about the processes under test: CPU time, the worker, its memory."""

from __future__ import annotations

import os
import threading
from pathlib import Path


def cpu_seconds(pid: int) -> float:
    """User + system CPU time a process has used so far."""
    text = Path(f"/proc/{pid}/stat").read_text()
    fields = text[text.rindex(")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_pid(master_pid: int) -> int:
    """The (one) gunicorn worker: the child of the master process."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:
            continue
        fields = text[text.rindex(")") + 2 :].split()
        if int(fields[1]) == master_pid:
            children.append(int(stat.parent.name))
    if len(children) != 1:
        raise RuntimeError(f"expected one worker under {master_pid}, found {children}")
    return children[0]


def rss_kb(pid: int) -> int:
    """VmRSS of a process in kB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for {pid}")


class RssSampler:
    """The worker's RSS before a run and its peak during it (sampled every 100 ms)."""

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.before_kb = rss_kb(pid)
        self.peak_kb = self.before_kb
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.1):
            self.peak_kb = max(self.peak_kb, rss_kb(self.pid))

    def start(self) -> None:
        """Start sampling."""
        self._thread.start()

    def stop(self) -> None:
        """Stop sampling (after one last sample)."""
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak_kb = max(self.peak_kb, rss_kb(self.pid))
