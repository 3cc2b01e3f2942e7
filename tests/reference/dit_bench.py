"""Full-size DiT parity and the reference timing, on the GPU (docs/benchmarks.md).

Usage: dit_bench.py WEIGHTS.safetensors IO.safetensors [--runs N] [--warmup N] [--device cuda]
WEIGHTS: what `wanattn bench dit --save-weights` wrote (official key names).
IO: what `wanattn bench dit --out` wrote (latents, timesteps, context, velocity).
Loads the same weights into diffusers' WanTransformer3DModel and
  1. computes the reference output in fp32 (no autocast: the truth), in bf16 as the diffusers
     pipeline runs it (bf16 weights, _keep_in_fp32_modules in fp32), and with fp32 weights
     under bf16 autocast (how the official Wan2.1 code runs);
  2. reports max |a - b| / max |b| of the C++ output against each (goal <= 1e-2 in bf16);
  3. times the two bf16 reference forwards (CUDA events, median after warm-up).
Exit 1 when the C++ output is off by more than 1e-2 from the fp32 truth.
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dit_reference import TEXT_LEN, official_name  # noqa: E402


def main() -> int:
    import torch
    from diffusers import WanTransformer3DModel
    from safetensors.torch import load_file

    ap = argparse.ArgumentParser()
    ap.add_argument("weights")
    ap.add_argument("io")
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--device", default="cuda")
    args = ap.parse_args()
    dev = torch.device(args.device)

    official = load_file(args.weights)
    io = load_file(args.io)
    dim = official["patch_embedding.weight"].shape[0]
    layers = len({k.split(".")[1] for k in official if k.startswith("blocks.")})
    heads = dim // 128
    cfg = dict(patch_size=(1, 2, 2), num_attention_heads=heads, attention_head_dim=dim // heads,
               in_channels=official["patch_embedding.weight"].shape[1], out_channels=official["head.head.weight"].shape[0] // 4,
               text_dim=official["text_embedding.0.weight"].shape[1], freq_dim=official["time_embedding.0.weight"].shape[1],
               ffn_dim=official["blocks.0.ffn.0.weight"].shape[0], num_layers=layers, cross_attn_norm=True,
               qk_norm="rms_norm_across_heads", rope_max_seq_len=1024)
    with torch.device(dev):
        model = WanTransformer3DModel(**cfg)
    names = {official_name(k): k for k in model.state_dict()}
    state = {names[k]: v.float() for k, v in official.items()}
    missing, unexpected = model.load_state_dict(state, strict=False)
    assert not unexpected and all("rope" in k for k in missing), (missing, unexpected)
    model = model.eval()

    latents = io["latents"].to(dev)
    t = io["timesteps"].to(dev)
    ctx = io["context"].to(dev)
    padded = torch.zeros(ctx.shape[0], TEXT_LEN, ctx.shape[2], device=dev)
    padded[:, : ctx.shape[1]] = ctx
    got = io["velocity"].to(dev).float()

    def rel(a, b):
        return ((a.float() - b.float()).abs().max() / b.float().abs().max()).item()

    def timed(fn):
        for _ in range(args.warmup):
            fn()
        times = []
        for _ in range(args.runs):
            s, e = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
            s.record()
            fn()
            e.record()
            torch.cuda.synchronize()
            times.append(s.elapsed_time(e))
        times.sort()
        return times[len(times) // 2], times[0], times[-1]

    with torch.no_grad():
        truth = model(hidden_states=latents, timestep=t, encoder_hidden_states=padded, return_dict=False)[0]
        print(f"C++ vs diffusers fp32 (truth)            : max rel {rel(got, truth):.3e}")

        def off_like():
            with torch.autocast("cuda", dtype=torch.bfloat16):
                return model(hidden_states=latents, timestep=t, encoder_hidden_states=padded, return_dict=False)[0]
        auto = off_like()
        print(f"fp32 weights + bf16 autocast vs truth    : max rel {rel(auto, truth):.3e}")
        torch.cuda.reset_peak_memory_stats()
        m, lo, hi = timed(off_like)
        print(f"reference fp32 weights + bf16 autocast   : {m:8.2f} ms median, {lo:.2f} min, {hi:.2f} max; "
              f"peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")

        model = model.to(torch.bfloat16)
        for name, mod in model.named_modules():  # as from_pretrained(torch_dtype=bf16) keeps them
            if any(k in name.split(".") for k in model._keep_in_fp32_modules):
                mod.float()
        for name, p in model.named_parameters():
            if name.endswith("scale_shift_table"):
                p.data = p.data.float()
        lat16, ctx16 = latents.bfloat16(), padded.bfloat16()  # the pipeline hands bf16 inputs
        ref16 = model(hidden_states=lat16, timestep=t, encoder_hidden_states=ctx16, return_dict=False)[0]
        print(f"diffusers bf16 vs truth                  : max rel {rel(ref16, truth):.3e}")
        print(f"C++ vs diffusers bf16                    : max rel {rel(got, ref16):.3e}")
        torch.cuda.reset_peak_memory_stats()
        m, lo, hi = timed(lambda: model(hidden_states=lat16, timestep=t, encoder_hidden_states=ctx16, return_dict=False))
        print(f"reference diffusers bf16                 : {m:8.2f} ms median, {lo:.2f} min, {hi:.2f} max; "
              f"peak {torch.cuda.max_memory_allocated() / 2**30:.2f} GiB")
    ok = rel(got, truth) <= 1e-2
    print("parity", "OK" if ok else "FAILED", "(goal: C++ bf16 within 1e-2 of the fp32 truth)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
