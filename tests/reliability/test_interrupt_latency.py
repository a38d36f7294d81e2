"""SIGINT during a multi-second pelx operation: KeyboardInterrupt arrives
quickly, and the next call works. Run in a subprocess, as a user's script
(and a notebook kernel, which receives the same SIGINT) would be."""
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

SCRIPT = textwrap.dedent(r"""
    import signal, sys, time
    # A suite started in the background (`pytest &`, nohup, some CI
    # runners) has SIGINT ignored, and this child would inherit that:
    # Ctrl-C is the program's default handler here, whatever the parent's.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    import numpy as np
    import pelx
    a = np.random.default_rng(0).standard_normal(1 << 24)
    kind = sys.argv[1]
    work = {
        "ufunc": lambda: [pelx.sin(a) for _ in range(10_000)],
        "evaluate": lambda: [pelx.evaluate("sin(a)**2 + cos(a)", local_dict={"a": a})
                             for _ in range(10_000)],
        "reduce": lambda: [pelx.std(a) for _ in range(100_000)],
    }[kind]
    print("ready", flush=True)
    try:
        work()
        print("finished", flush=True)
    except KeyboardInterrupt:
        t = time.perf_counter()
        ok = np.array_equal(pelx.add(a[:10], 1.0), a[:10] + 1.0)
        print("interrupted", repr(t), ok, flush=True)
""")


@pytest.mark.parametrize("kind", ["ufunc", "evaluate", "reduce"])
def test_sigint_raises_keyboardinterrupt_quickly(kind):
    proc = subprocess.Popen([sys.executable, "-c", SCRIPT, kind],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    try:
        assert proc.stdout.readline().strip() == "ready"
        time.sleep(1.0)  # well inside the long-running calls
        sent = time.perf_counter()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    fields = out.split()
    assert fields[:1] == ["interrupted"], (out, err)
    latency = float(fields[1]) - sent  # perf_counter is system-wide (CLOCK_MONOTONIC)
    assert fields[2] == "True", "the call after the interrupt failed"
    print(f"SIGINT -> KeyboardInterrupt latency ({kind}): {latency * 1e3:.1f} ms")
    # Generous bound: the machine is shared; the measured value is printed.
    assert latency < 2.0


KERNEL_CELL = """
try:
    [pelx.sin(a) for _ in range(10_000)]
except KeyboardInterrupt:
    print("caught", repr(time.time()))
    raise
"""


def test_interrupt_in_a_notebook_kernel():
    """A Jupyter kernel (ipykernel) running a long pelx loop is interrupted
    the way the notebook's stop button does it (SIGINT to the kernel)."""
    import os

    pytest.importorskip("ipykernel")
    manager = pytest.importorskip("jupyter_client.manager")
    env = dict(os.environ)
    km, kc = manager.start_new_kernel(kernel_name="python3", env=env)
    try:
        kc.execute_interactive(
            "import time, numpy as np, pelx\n"
            "a = np.random.default_rng(0).standard_normal(1 << 24)",
            timeout=60)
        msg_id = kc.execute(KERNEL_CELL)
        time.sleep(1.0)
        sent = time.time()  # wall clock: compared across processes
        km.interrupt_kernel()
        caught, ename = None, None
        while True:
            msg = kc.get_iopub_msg(timeout=60)
            if msg["parent_header"].get("msg_id") != msg_id:
                continue
            kind, content = msg["msg_type"], msg["content"]
            if kind == "stream" and "caught" in content["text"]:
                caught = float(content["text"].split()[1])
            elif kind == "error":
                ename = content["ename"]
            elif kind == "status" and content["execution_state"] == "idle":
                break
        assert ename == "KeyboardInterrupt"
        assert caught is not None
        latency = caught - sent
        print(f"notebook kernel: SIGINT -> KeyboardInterrupt {latency * 1e3:.1f} ms")
        assert latency < 2.0  # generous: shared machine; the value is printed
        # The kernel and its pool keep working.
        outputs = []
        kc.execute_interactive(
            "print(bool((pelx.add(a[:5], 1.0) == a[:5] + 1.0).all()))",
            timeout=60, output_hook=lambda m: outputs.append(m))
        texts = [m["content"].get("text", "") for m in outputs
                 if m["msg_type"] == "stream"]
        assert "True" in "".join(texts)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
