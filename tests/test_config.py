"""pelx.show_config(): the report matches what pelx and the machine say."""
import json
import os

import numpy as np

import pelx


def test_return_dict_matches_the_live_values():
    cfg = pelx.show_config(return_dict=True)
    assert cfg["pelx"]["version"] == pelx.__version__
    assert cfg["pelx"]["extension"] == pelx._core.__file__
    assert cfg["threads"]["num_threads"] == pelx.get_num_threads()
    assert cfg["threads"]["available_cpus"] == pelx.detect_number_of_cores()
    assert 1 <= cfg["threads"]["available_cpus"] <= os.cpu_count()
    assert cfg["numpy"]["version"] == np.__version__
    assert cfg["cpu"]["kernels"] in ("vmath+libmvec-avx512",
                                     "vmath+libmvec-avx2", "vmath+scalar-libm")
    assert isinstance(cfg["cpu"]["features"], list)
    json.dumps(cfg)  # plain data


def test_follows_thread_changes():
    with pelx.threads(3):
        assert pelx.show_config(return_dict=True)["threads"]["num_threads"] == 3


def test_features_agree_with_cpuinfo():
    cfg = pelx.show_config(return_dict=True)
    try:
        with open("/proc/cpuinfo") as f:
            flags = next((line.split(":", 1)[1].split() for line in f
                          if line.startswith("flags")), None)
    except OSError:
        flags = None
    if flags is not None:
        assert ("AVX2" in cfg["cpu"]["features"]) == ("avx2" in flags)
        if cfg["cpu"]["kernels"] == "vmath+libmvec-avx512":
            assert "avx512f" in flags


def test_prints_a_readable_report(capsys):
    assert pelx.show_config() is None
    out = capsys.readouterr().out
    for text in ("pelx:", "threads:", "num_threads", "cpu:", "kernels", "numpy:",
                 np.__version__, pelx.__version__):
        assert text in out
