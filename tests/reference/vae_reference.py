"""Parity fixtures for the Wan2.1 VAE decoder (CTest fixture setup).

Usage: vae_reference.py OUT_DIR
For tiny random diffusers `AutoencoderKLWan` configs writes OUT_DIR/<config>/:
  diffusers/vae/          config.json + diffusion_pytorch_model.safetensors (whole VAE)
  official/               the same tensors under the official `WanVAE_` names
                          (Wan2.1_VAE.safetensors + config.json: a tiny VAE needs its config)
  official_pth/Wan2.1_VAE.pth  torch.save of the official names (what the official folder ships)
  io.safetensors          z [B, 16, F', H', W'] in the DiT's normalised latent space and the
                          reference video [B, 3, 1 + 4(F'-1), 8H', 8W'] (decode of
                          z * std + mean, clamped to [-1, 1]), fp32
Weights are rounded to float16 first (a ComfyUI fp16 file holds the same values).
Exit 77 (CTest skip) when diffusers is missing.
"""
import json
import re
import sys
from pathlib import Path

SKIP = 77

CONFIGS = {
    # The diffusers pipeline test's VAE (WAN21_SPEC section 7): widths 3, halved to 1.
    "spec7": dict(vae=dict(base_dim=3, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True]), latent=(1, 16, 3, 4, 4)),
    # Wider, 3 stages, a batch of two, non-square, the temporal upsample in the last stage.
    "wider": dict(vae=dict(base_dim=8, z_dim=4, dim_mult=[1, 2, 2], num_res_blocks=1,
                           temperal_downsample=[True, False]), latent=(2, 4, 4, 6, 5)),
}

RESIDUAL = {"norm1.gamma": "residual.0.gamma", "conv1.weight": "residual.2.weight", "conv1.bias": "residual.2.bias",
            "norm2.gamma": "residual.3.gamma", "conv2.weight": "residual.6.weight", "conv2.bias": "residual.6.bias",
            "conv_shortcut.weight": "shortcut.weight", "conv_shortcut.bias": "shortcut.bias"}


def official_name(key: str, res_blocks: int, enc_res_blocks: int) -> str:
    """diffusers -> official (WAN21_SPEC 6.4), written independently of the C++ map."""
    simple = {"post_quant_conv.": "conv2.", "quant_conv.": "conv1.", "decoder.conv_in.": "decoder.conv1.",
              "decoder.norm_out.": "decoder.head.0.", "decoder.conv_out.": "decoder.head.2.",
              "encoder.conv_in.": "encoder.conv1.", "encoder.norm_out.": "encoder.head.0.",
              "encoder.conv_out.": "encoder.head.2."}
    for a, b in simple.items():
        if key.startswith(a):
            return b + key[len(a):]
    m = re.fullmatch(r"(encoder|decoder)\.mid_block\.(resnets|attentions)\.(\d+)\.(.+)", key)
    if m:
        side, kind, i, rest = m.groups()
        if kind == "attentions":
            return f"{side}.middle.1.{rest}"
        return f"{side}.middle.{0 if i == '0' else 2}.{RESIDUAL[rest]}"
    m = re.fullmatch(r"decoder\.up_blocks\.(\d+)\.(resnets|upsamplers)\.(\d+)\.(.+)", key)
    if m:
        s, kind, j, rest = int(m[1]), m[2], int(m[3]), m[4]
        n = s * (res_blocks + 1) + (res_blocks if kind == "upsamplers" else j)
        return f"decoder.upsamples.{n}.{rest if kind == 'upsamplers' else RESIDUAL[rest]}"
    m = re.fullmatch(r"encoder\.down_blocks\.(\d+)\.(.+)", key)
    if m:  # diffusers keeps the encoder's flat numbering; only the inner names change
        rest = m[2]
        return f"encoder.downsamples.{m[1]}.{RESIDUAL.get(rest, rest)}"
    raise KeyError(key)


def main() -> int:
    out = Path(sys.argv[1])
    try:
        import torch
        from diffusers import AutoencoderKLWan
        from safetensors.torch import save_file
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    torch.manual_seed(0)
    for name, spec in CONFIGS.items():
        d = out / name
        cfg = dict(spec["vae"])
        z_dim = cfg["z_dim"]
        cfg["latents_mean"] = [round(float(v), 4) for v in torch.randn(z_dim) * 0.5]
        cfg["latents_std"] = [round(float(v), 4) for v in torch.rand(z_dim) * 2 + 0.5]
        vae = AutoencoderKLWan(**cfg).eval()
        with torch.no_grad():
            for pname, p in vae.named_parameters():
                if pname.endswith("gamma"):
                    p.copy_(1.0 + 0.2 * torch.randn_like(p))
                elif pname.endswith("bias"):
                    p.copy_(0.1 * torch.randn_like(p))
                p.copy_(p.half().float())
        z = torch.randn(spec["latent"])
        mean = torch.tensor(cfg["latents_mean"]).view(1, -1, 1, 1, 1)
        std = torch.tensor(cfg["latents_std"]).view(1, -1, 1, 1, 1)
        with torch.no_grad():
            video = vae.decode(z * std + mean, return_dict=False)[0]
        (d / "diffusers").mkdir(parents=True, exist_ok=True)
        vae.save_pretrained(d / "diffusers" / "vae", safe_serialization=True)
        save_file({"z": z.contiguous(), "video": video.contiguous()}, str(d / "io.safetensors"))

        res_blocks = cfg["num_res_blocks"] + 1
        official = {official_name(k, res_blocks, cfg["num_res_blocks"]): v.contiguous() for k, v in vae.state_dict().items()}
        (d / "official").mkdir(exist_ok=True)
        save_file(official, str(d / "official" / "Wan2.1_VAE.safetensors"))
        (d / "official" / "config.json").write_text(json.dumps(cfg, indent=2))
        (d / "official_pth").mkdir(exist_ok=True)
        torch.save(official, d / "official_pth" / "Wan2.1_VAE.pth")
        (d / "meta.json").write_text(json.dumps({"config": cfg, "latent": spec["latent"], "video": list(video.shape)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
