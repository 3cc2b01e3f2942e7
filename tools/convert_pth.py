"""One-time conversion of a Wan2.1 official `.pth` checkpoint (text encoder, VAE) to safetensors.

    .venv/bin/python tools/convert_pth.py /path/to/models_t5_umt5-xxl-enc-bf16.pth [OUT]

The official folder ships the UMT5-XXL encoder as a torch.save pickle; wanattn reads
safetensors (memory-mapped, no Python at run time). This writes OUT (default: the same
name with .safetensors, beside it) with the same tensor names and dtypes (bf16), which
wanattn then loads like any other layout. Needs about the file's size (11.4 GB) free on
disk; reads the pickle with weights_only=True (no code from the file runs).
"""
import sys
from pathlib import Path

import torch
from safetensors.torch import save_file


def convert(src: Path, dst: Path) -> int:
    state = torch.load(src, map_location="cpu", weights_only=True, mmap=True)
    if not isinstance(state, dict) or not state:
        raise SystemExit(f"{src}: not a state dict (got {type(state).__name__})")
    tensors = {}
    for name, t in state.items():
        if not isinstance(t, torch.Tensor):
            raise SystemExit(f"{src}: entry '{name}' is a {type(t).__name__}, not a tensor")
        tensors[name] = t.contiguous()
    tmp = dst.with_name(dst.name + ".partial")
    save_file(tensors, str(tmp), metadata={"format": "pt", "converted_from": src.name})
    tmp.replace(dst)  # a half-written file never carries the final name
    return len(tensors)


def main() -> int:
    if len(sys.argv) not in (2, 3):
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(sys.argv[1])
    dst = Path(sys.argv[2]) if len(sys.argv) == 3 else src.with_suffix(".safetensors")
    n = convert(src, dst)
    print(f"wrote {dst} ({n} tensors)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
