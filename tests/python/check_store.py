"""The run store as another language sees it: numpy memory maps and h5py.

Usage: check_store.py MAKE_TEST_RUN WANATTN WORKDIR
Writes a synthetic run with the C++ writer, then checks it only through
numpy.load(mmap_mode='r'), json and h5py, as docs/store-format.md promises.
"""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np

try:
    import h5py
except ImportError:  # the GPU machine's Python has no h5py; the desktop venv always does
    h5py = None

SKIP = 77  # CTest's SKIP_RETURN_CODE for this test


def main() -> int:
    make_run, wanattn, work = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    run = work / "run"
    subprocess.run([make_run, str(run)], check=True)

    m = json.loads((run / "manifest.json").read_text())
    assert m["format"] == "wanattn-run" and m["format_version"] == 1
    assert m["status"]["state"] == "complete"
    cap, grid = m["capture"], m["latent_grid"]
    S, B, H, T = len(cap["steps"]), len(cap["blocks"]), cap["heads"], cap["tokens"]
    F, h, w = grid["frames"], grid["height"], grid["width"]

    att = np.load(run / "attention.npy", mmap_mode="r")
    assert isinstance(att, np.memmap), "attention.npy must open as a memory map"
    assert att.dtype == np.float16 and att.shape == (S, B, H, T, F, h, w), (att.dtype, att.shape)
    prog = np.load(run / "progress.npy", mmap_mode="r")
    assert prog.dtype == np.uint8 and prog.shape == (S, B) and prog.all()
    pad = np.load(run / "padding.npy", mmap_mode="r")
    assert pad.shape == (S, B, H, F, h, w)
    hm = np.load(run / "head_mean.npy", mmap_mode="r")
    assert hm.dtype == np.float16 and hm.shape == (S, B, T, F, h, w)
    want = att.astype(np.float32).mean(axis=2)
    assert np.allclose(hm.astype(np.float32), want, rtol=2e-3, atol=1e-6), "head_mean.npy != mean over heads"
    tm = np.load(run / "token_mean.npy", mmap_mode="r")
    assert tm.dtype == np.float32 and tm.shape == (T, F, h, w)
    assert np.allclose(tm, att.astype(np.float64).mean(axis=(0, 1, 2)), rtol=1e-5), "token_mean.npy != global mean"
    frames = np.load(run / "frames.npy", mmap_mode="r")
    assert frames.shape == (m["video"]["frames"], m["video"]["height"], m["video"]["width"], 3)
    # Words: every token with a word index points at the word's text in the prompt.
    for t in m["tokens"]:
        if t["word"] >= 0:
            word = m["words"][t["word"]]
            assert m["prompt"][word["span"][0]:word["span"][1]] == word["text"]

    info = subprocess.run([wanattn, "info", "--tokens", str(run)], check=True, capture_output=True, text=True).stdout
    assert "complete" in info and "12/12 slices" in info and "circle" in info, info

    if h5py is None:
        print("h5py not installed: numpy checks passed, HDF5 read-back skipped")
        return SKIP
    out = work / "run.h5"
    subprocess.run([wanattn, "export-h5", str(run), str(out)], check=True, capture_output=True)
    with h5py.File(out, "r") as f:
        a = f["attention"]
        assert a.dtype == np.float16, a.dtype
        assert a.compression == "gzip" and a.chunks == (1, 1, 1, 1, F, h, w)
        assert np.array_equal(a[...], att)
        assert np.array_equal(f["head_mean"][...], hm)
        assert np.allclose(f["token_mean"][...], tm)
        assert np.array_equal(f["frames"][...], frames)
        assert f.attrs["prompt"] == m["prompt"]
        assert f.attrs["seed"] == 58
        assert json.loads(f.attrs["manifest"])["capture"]["tokens"] == T
        assert list(f["steps"][...]) == cap["steps"]
    print("1 passed, 0 failed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
