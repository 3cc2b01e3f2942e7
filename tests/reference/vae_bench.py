"""Full-size VAE decoder parity and the reference timing, on the GPU (docs/benchmarks.md).

Usage: vae_bench.py WEIGHTS.safetensors IO.safetensors [--runs N]
WEIGHTS / IO: what `wanattn bench vae --save-weights / --out` wrote. Loads the same weights
into diffusers' AutoencoderKLWan (Wan2.1 config), decodes the same latent in fp32 and in
bf16, times both (CUDA events, median), and reports the C++ fp32 and bf16 videos against
diffusers fp32. Both sides run their fp32 convolutions with TF32 (cuDNN's default; a 10-bit
mantissa), so the fp32 videos agree to about 1e-3 of the range, not 1e-6: exit 1 when the C++
fp32 video is off by more than 1e-2 (max |a-b| / max |b|) or 1e-3 on average.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from vae_reference import official_name  # noqa: E402


def main() -> int:
    import torch
    from diffusers import AutoencoderKLWan
    from safetensors.torch import load_file

    ap = argparse.ArgumentParser()
    ap.add_argument("weights")
    ap.add_argument("io")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    dev = torch.device("cuda")
    official = load_file(args.weights)
    io = load_file(args.io)
    vae = AutoencoderKLWan().eval()  # the Wan2.1 defaults
    names = {official_name(k, 3, 2): k for k in vae.state_dict()}
    state = {names[k]: v for k, v in official.items()}
    missing, unexpected = vae.load_state_dict(state, strict=False)
    assert not unexpected and all(k.startswith(("encoder.", "quant_conv.")) for k in missing), (missing[:5], unexpected[:5])
    vae = vae.to(dev)
    cfg = vae.config
    z = io["z"].to(dev)
    mean = torch.tensor(cfg.latents_mean, device=dev).view(1, -1, 1, 1, 1)
    std = torch.tensor(cfg.latents_std, device=dev).view(1, -1, 1, 1, 1)

    def rel(a, b):
        a, b = a.float().cpu(), b.float().cpu()
        return ((a - b).abs().max() / b.abs().max()).item(), (a - b).abs().mean().item()

    def timed(fn):
        fn()
        times = []
        for _ in range(args.runs):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            out = fn()
            e.record()
            torch.cuda.synchronize()
            times.append(s.elapsed_time(e))
        times.sort()
        return out, times[len(times) // 2]

    with torch.no_grad():
        torch.cuda.reset_peak_memory_stats()
        ref32, t32 = timed(lambda: vae.decode(z * std + mean, return_dict=False)[0])
        print(f"diffusers fp32 decode: {t32:9.1f} ms median, peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
        vae16 = vae.to(torch.bfloat16)
        torch.cuda.reset_peak_memory_stats()
        ref16, t16 = timed(lambda: vae16.decode((z * std + mean).bfloat16(), return_dict=False)[0])
        print(f"diffusers bf16 decode: {t16:9.1f} ms median, peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
    r = rel(io["video"], ref32)
    print(f"C++ fp32 vs diffusers fp32: max rel {r[0]:.3e}, mean |a-b| {r[1]:.3e}")
    print(f"C++ bf16 vs diffusers fp32: max rel {rel(io['video_bf16'], ref32)[0]:.3e}, mean |a-b| {rel(io['video_bf16'], ref32)[1]:.3e}")
    print(f"diffusers bf16 vs diffusers fp32: max rel {rel(ref16, ref32)[0]:.3e}, mean |a-b| {rel(ref16, ref32)[1]:.3e}")
    ok = r[0] <= 1e-2 and r[1] <= 1e-3
    print("parity", "OK" if ok else "FAILED", "(C++ fp32 vs diffusers fp32, TF32 convolutions on both sides)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
