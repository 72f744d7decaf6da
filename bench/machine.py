"""What every bench writes about the machine it ran on: the processor, its cores, Python."""

from __future__ import annotations

import os
import platform
from pathlib import Path


def processor() -> str:
    """"AMD EPYC …, 2 cores; Python 3.11.7" (each bench adds the versions of what it measures)."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} cores; Python {platform.python_version()}"
