"""The one place that creates onnxruntime sessions.

CUDA is asked for only when a GPU is really usable (the driver loads and reports a device), so a
CPU machine never prints CUDA load errors. `get_available_providers()` lists CUDA for every
onnxruntime-gpu install, GPU or not, so it is not the test; what a session really uses is read back
from `session.get_providers()`.
"""
from __future__ import annotations

import ctypes
import os
import warnings
from functools import lru_cache
from pathlib import Path

import onnxruntime as ort
from threadpoolctl import threadpool_limits

CUDA = "CUDAExecutionProvider"
CPU = "CPUExecutionProvider"


@lru_cache(maxsize=1)
def gpu_usable() -> bool:
    """True when the CUDA driver loads and sees at least one device (and RNNAPP_DEVICE is not cpu)."""
    if os.environ.get("RNNAPP_DEVICE", "").lower() == "cpu" or CUDA not in ort.get_available_providers():
        return False
    try:
        driver = ctypes.CDLL("libcuda.so.1")
    except OSError:
        return False
    count = ctypes.c_int(0)
    return driver.cuInit(0) == 0 and driver.cuDeviceGetCount(ctypes.byref(count)) == 0 and count.value > 0


@lru_cache(maxsize=1)
def one_blas_thread() -> None:
    """numpy's BLAS (OpenBLAS) runs on one thread in a serving process, for good.

    Its threads busy-wait after every call and have no switch for it: after a caption's CNN-names
    product (1280 x 1000, microseconds of work) they took the cores from the next encoder call, and
    the full caption path took 28 ms instead of 23 (measured with `python -m bench`). Serving's
    numpy work is small enough for one thread; onnxruntime keeps its own threads.
    """
    threadpool_limits(limits=1, user_api="blas")


def create_session(path: Path) -> ort.InferenceSession:
    """An inference session on the best usable provider; `run` on it is thread-safe.

    Intra-op threads are left at onnxruntime's default, one per physical core. Spinning is off:
    a caption runs three sessions in turn, and threads of the last one spinning while the next
    works cost the full caption path 27 ms -> 39-56 ms on a 2-core CPU (measured with `python -m bench`).
    numpy's BLAS gets one thread for the same reason (`one_blas_thread`).
    """
    one_blas_thread()
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.log_severity_level = 3  # errors only: no provider-assignment chatter
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if gpu_usable():
        try:
            return ort.InferenceSession(str(path), sess_options=options, providers=[CUDA, CPU])
        except Exception as err:  # a broken CUDA install must not take the app down: serve on the CPU
            warnings.warn(f"{path}: the CUDA provider failed ({err}); running on the CPU instead. "
                          "Set RNNAPP_DEVICE=cpu to skip CUDA, or repair the CUDA install.", stacklevel=2)
    return ort.InferenceSession(str(path), sess_options=options, providers=[CPU])


def provider_in_use(session: ort.InferenceSession) -> str:
    """Short name of the provider that really runs the session: "CUDA" or "CPU"."""
    return session.get_providers()[0].removesuffix("ExecutionProvider")
