"""What the numbers were measured on: CPU, cores, memory, library versions
and pelx's configuration."""
from __future__ import annotations

import os
import platform
import sys


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def _mem_total_bytes():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _parse_size(text: str):
    """'32768K' / '1M' / '512' -> bytes."""
    text = text.strip().upper()
    scale = {"K": 1 << 10, "M": 1 << 20, "G": 1 << 30}.get(text[-1:], 1)
    return int(text.rstrip("KMG")) * scale


def last_level_cache_bytes():
    """Size of the largest data/unified CPU cache level (Linux sysfs), or
    None if unknown. Working sets below it measure cache, not memory."""
    import glob

    best = None
    for d in glob.glob("/sys/devices/system/cpu/cpu0/cache/index*"):
        try:
            with open(os.path.join(d, "type")) as f:
                if f.read().strip() == "Instruction":
                    continue
            with open(os.path.join(d, "level")) as f:
                level = int(f.read())
            with open(os.path.join(d, "size")) as f:
                size = _parse_size(f.read())
        except (OSError, ValueError):
            continue
        if best is None or level > best[0]:
            best = (level, size)
    return best[1] if best else None


def _cpus_available() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def machine_info(peers) -> dict:
    versions = {}
    for name, m in peers.items():
        versions[name] = getattr(m, "__version__", None) if m is not None else None
    return {
        "cpu_model": cpu_model(),
        "cpus_online": os.cpu_count(),
        "cpus_available": _cpus_available(),
        "memory_bytes": _mem_total_bytes(),
        "last_level_cache_bytes": last_level_cache_bytes(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "versions": versions,
    }


# Public pelx functions the cases and the thread control use; reported so a
# reader of the JSON knows which parts of pelx the run could exercise.
PELX_API = ("add", "exp", "sin", "evaluate", "sum", "set_num_threads",
            "get_num_threads", "threads", "detect_number_of_cores")


def pelx_config(pelx) -> dict:
    config = {
        "version": getattr(pelx, "__version__", None),
        "api_available": [n for n in PELX_API if hasattr(pelx, n)],
        "api_missing": [n for n in PELX_API if not hasattr(pelx, n)],
        "PELX_NUM_THREADS": os.environ.get("PELX_NUM_THREADS"),
    }
    for attr in ("get_num_threads", "detect_number_of_cores"):
        fn = getattr(pelx, attr, None)
        config[attr] = int(fn()) if fn is not None else None
    # The SIMD variants the kernel table picked at import, where reported.
    features = getattr(getattr(pelx, "_core", None), "kernels_features", None)
    config["kernels_features"] = str(features()) if features is not None else None
    levels = getattr(getattr(pelx, "_core", None), "_kernels_levels", None)
    config["kernels_levels"] = dict(levels()) if levels is not None else None
    return config
