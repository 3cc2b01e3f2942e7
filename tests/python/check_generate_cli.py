"""`wanattn generate` as a user runs it, on the tiny diffusers folder of the pipeline fixtures.

Usage: check_generate_cli.py WANATTN_BINARY FIXTURE_SCENARIO_DIR
  - a complete run: exit 0, `wanattn info` says complete, frames.npy / latents.npy load with
    numpy (mmap) and the latents equal diffusers' (expected.safetensors) within 1e-4;
  - Ctrl-C (SIGINT) during the steps: exit 130, the run is `cancelled`, the slices of the
    finished steps are flagged and readable;
  - SIGKILL during the steps: the run opens as `interrupted`, flagged slices readable;
  - bad input: a size not a multiple of 16, a missing folder: exit 1 with the reason.
Exit 77 (skip) without numpy / safetensors.
"""
import json
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import numpy as np
    from safetensors.numpy import load_file
except ImportError as e:
    print(f"numpy / safetensors missing ({e}): skipping", file=sys.stderr)
    sys.exit(77)

BIN, FIX = sys.argv[1], Path(sys.argv[2])
REQ = json.loads((FIX / "request.json").read_text())


def args(out, **over):
    a = dict(model=str(FIX / "model"), prompt=REQ["prompt"], negative=REQ["negative"], seed=REQ["seed"],
             steps=REQ["steps"], guidance=REQ["guidance"], size=f"{REQ['width']}x{REQ['height']}",
             frames=REQ["frames"], device="cpu")
    a.update(over)
    cmd = [BIN, "generate", "--out", str(out), "--noise-device", "cpu", "--no-cache"]
    for k, v in a.items():
        cmd += [f"--{k}", str(v)]
    return cmd


def run(cmd):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=600)


def info(run_dir):
    r = run([BIN, "info", str(run_dir)])
    assert r.returncode == 0, r.stderr
    return r.stdout


def start_and_signal(cmd, sig, after_step):
    """Starts the command, sends `sig` once a progress line for `after_step` appears."""
    p = subprocess.Popen(cmd, stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    seen = []
    for line in p.stderr:
        seen.append(line)
        if line.startswith(f"step {after_step:>3}/"):
            p.send_signal(sig)
            break
    rest, _ = p.communicate(timeout=600)
    err = "".join(seen) + (p.stderr.read() if p.stderr and not p.stderr.closed else "")
    return p.returncode, err


def main():
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        # 1. A complete run.
        r = run(args(tmp / "run"))
        assert r.returncode == 0, r.stderr
        text = info(tmp / "run")
        assert "status     complete" in text, text
        frames = np.load(tmp / "run" / "frames.npy", mmap_mode="r")
        assert frames.shape == (REQ["frames"], REQ["height"], REQ["width"], 3), frames.shape
        want = load_file(str(FIX / "expected.safetensors"))["latents"]
        got = np.load(tmp / "run" / "latents.npy")
        rel = np.abs(got - want).max() / np.abs(want).max()
        assert rel <= 1e-4, rel
        if "video.mp4" in r.stdout:
            assert (tmp / "run" / "video.mp4").stat().st_size > 0

        # 2. Ctrl-C during the steps (a bigger run, so there is time to press it).
        slow = args(tmp / "cancel", steps=40, size="128x96", frames=17)
        code, err = start_and_signal(slow, signal.SIGINT, after_step=2)
        assert code == 130, (code, err)
        text = info(tmp / "cancel")
        assert "status     cancelled" in text, text
        progress = np.load(tmp / "cancel" / "progress.npy")
        done = int(progress.all(axis=1).sum())
        assert 2 <= done < 40, progress
        att = np.load(tmp / "cancel" / "attention.npy", mmap_mode="r")
        assert np.isfinite(att[:done]).all() and att[:done].max() > 0
        assert np.load(tmp / "cancel" / "previews.npy").shape[0] >= 2

        # 3. SIGKILL: nothing gets to mark the run; it opens as interrupted, slices intact.
        code, err = start_and_signal(args(tmp / "killed", steps=40, size="128x96", frames=17), signal.SIGKILL,
                                     after_step=2)
        assert code == -9, (code, err)
        text = info(tmp / "killed")
        assert "interrupted" in text, text
        progress = np.load(tmp / "killed" / "progress.npy")
        att = np.load(tmp / "killed" / "attention.npy", mmap_mode="r")
        for s, b in zip(*np.nonzero(progress)):
            assert np.isfinite(att[s, b]).all()

        # 4. Bad input.
        r = run(args(tmp / "bad", size="50x48"))
        assert r.returncode == 1 and "multiples of 16" in r.stderr, r.stderr
        assert not (tmp / "bad" / "manifest.json").exists()
        r = run(args(tmp / "bad2", model=str(tmp / "no-such-model")))
        assert r.returncode == 1 and "no such model folder" in r.stderr, r.stderr
    print("generate CLI: complete, cancelled, killed and bad-input runs behave")


if __name__ == "__main__":
    main()
