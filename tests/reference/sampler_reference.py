"""Sampler fixtures (CTest fixture setup): diffusers' flow UniPC and FlowMatchEuler.

Usage: sampler_reference.py OUT_DIR
For several (steps, shift) writes OUT_DIR/<sampler>_<steps>_<shift>.safetensors: the
timesteps and sigmas the scheduler uses, a fixed start sample, and the sample after every
step of a full loop whose "model" is a fixed deterministic function of (sample, t), so that
an error in any step compounds. UniPC as the Wan2.1 diffusers scheduler_config sets it
(WAN21_SPEC 6.1); Euler as the diffusers pipeline test. Exit 77 without diffusers.
"""
import sys
from pathlib import Path

SKIP = 77
CASES = [("unipc", 25, 3.0), ("unipc", 25, 5.0), ("unipc", 50, 5.0), ("unipc", 1, 5.0), ("unipc", 2, 3.0),
         ("unipc", 3, 1.0), ("euler", 25, 5.0), ("euler", 2, 7.0)]


def velocity(torch, x, t):
    """A smooth, sample- and time-dependent stand-in for the DiT."""
    return torch.tanh(0.7 * x) + 0.3 * torch.sin(x * (1 + t / 1000.0)) - 0.1 * x


def main() -> int:
    out = Path(sys.argv[1])
    try:
        import torch
        from diffusers import FlowMatchEulerDiscreteScheduler, UniPCMultistepScheduler
        from safetensors.torch import save_file
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    out.mkdir(parents=True, exist_ok=True)
    for name, steps, shift in CASES:
        if name == "unipc":
            s = UniPCMultistepScheduler(use_flow_sigmas=True, prediction_type="flow_prediction", flow_shift=shift,
                                        solver_order=2, solver_type="bh2", predict_x0=True, lower_order_final=True,
                                        final_sigmas_type="zero", num_train_timesteps=1000, timestep_spacing="linspace")
        else:
            s = FlowMatchEulerDiscreteScheduler(shift=shift)
        s.set_timesteps(steps)
        g = torch.Generator().manual_seed(steps * 100 + int(shift * 10))
        x = torch.randn(2, 3, 4, 5, generator=g)
        start = x.clone()
        outs = []
        for t in s.timesteps:
            x = s.step(velocity(torch, x, float(t)), t, x, return_dict=False)[0]
            outs.append(x.clone())
        save_file({"timesteps": s.timesteps.to(torch.float64).contiguous(), "sigmas": s.sigmas.to(torch.float32).contiguous(),
                   "start": start, "samples": torch.stack(outs).contiguous()},
                  str(out / f"{name}_{steps}_{shift:g}.safetensors"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
