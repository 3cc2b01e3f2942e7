"""Parity fixtures for the Wan2.1 DiT (CTest fixture setup).

Usage: dit_reference.py OUT_DIR
For tiny random diffusers `WanTransformer3DModel` configs writes OUT_DIR/<config>/:
  official/            diffusion_pytorch_model.safetensors (official key names) + config.json
                       in the official format (WAN21_SPEC 3.1)
  diffusers/transformer/  config.json + safetensors (sharded with an index for "multi")
  comfy/wan_tiny_fp16.safetensors  one file, official names under `model.diffusion_model.`,
                       float16, with the official config.json beside it (a tiny model's head
                       count cannot be told from shapes; the real 1.3B/14B need no config)
  comfy_alone.safetensors  the same file with no config.json: an "unknown variant" error
  io.safetensors       inputs and the reference output, fp32:
                         latents [B, C, F, H, W], timesteps [B], context [B, S, text_dim]
                         (S real rows; lengths says how many per sample, the rest is zero),
                         lengths [B] (int64), velocity [B, C, F, H, W],
                         probs.<block> [B, heads, S, L_v] cross-attention probabilities of
                         the first S text positions, recomputed in a hook from diffusers' own
                         q and k (softmax over all text_len positions), and
                         pad_mass.<block> [B, heads, L_v] the mass on the other positions.
  meta.json            the config and the shapes
The reference pads the context with zeros to text_len = 512 before the model, exactly as
both Wan2.1 pipelines do. Weights are rounded to float16 first, so every layout holds the
very same values. fp32 on the CPU. Exit 77 (CTest skip) when diffusers is missing.
"""
import json
import sys
from pathlib import Path

SKIP = 77
TEXT_LEN = 512

CONFIGS = {
    # The diffusers model test's config (WAN21_SPEC section 7), one 2-frame 16x16 latent.
    "spec7": dict(
        model=dict(patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=4,
                   out_channels=4, text_dim=16, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
                   qk_norm="rms_norm_across_heads", rope_max_seq_len=32),
        latent=(1, 4, 2, 16, 16), lengths=[12], timesteps=[517.0], shard=None),
    # Several frames, a non-square grid, 3 heads, a batch of two prompts of different lengths.
    "multi": dict(
        model=dict(patch_size=(1, 2, 2), num_attention_heads=3, attention_head_dim=16, in_channels=16,
                   out_channels=16, text_dim=32, freq_dim=256, ffn_dim=80, num_layers=3, cross_attn_norm=True,
                   qk_norm="rms_norm_across_heads", rope_max_seq_len=1024),
        latent=(2, 16, 3, 12, 20), lengths=[7, 20], timesteps=[999.0, 41.0], shard="40KB"),
}

DIFFUSERS_TO_OFFICIAL = [  # ordered substring renames, diffusers -> official (WAN21_SPEC 6.2)
    ("condition_embedder.text_embedder.linear_1", "text_embedding.0"),
    ("condition_embedder.text_embedder.linear_2", "text_embedding.2"),
    ("condition_embedder.time_embedder.linear_1", "time_embedding.0"),
    ("condition_embedder.time_embedder.linear_2", "time_embedding.2"),
    ("condition_embedder.time_proj", "time_projection.1"),
    ("attn1.to_out.0", "self_attn.o"),
    ("attn2.to_out.0", "cross_attn.o"),
    ("attn1.to_", "self_attn."),
    ("attn2.to_", "cross_attn."),
    ("attn1.", "self_attn."),
    ("attn2.", "cross_attn."),
    ("ffn.net.0.proj", "ffn.0"),
    ("ffn.net.2", "ffn.2"),
    ("proj_out", "head.head"),
]


def official_name(key: str) -> str:
    if key == "scale_shift_table":
        return "head.modulation"
    if key.endswith(".scale_shift_table"):
        return key.replace("scale_shift_table", "modulation")
    if ".norm2." in key:  # diffusers norm2 is the cross-attention LayerNorm: official norm3
        return key.replace(".norm2.", ".norm3.")
    for old, new in DIFFUSERS_TO_OFFICIAL:
        if old in key:
            return key.replace(old, new)
    return key


def official_config(m: dict) -> dict:
    return {"_class_name": "WanModel", "_diffusers_version": "0.30.0", "dim": m["num_attention_heads"] * m["attention_head_dim"],
            "eps": 1e-6, "ffn_dim": m["ffn_dim"], "freq_dim": m["freq_dim"], "in_dim": m["in_channels"],
            "model_type": "t2v", "num_heads": m["num_attention_heads"], "num_layers": m["num_layers"],
            "out_dim": m["out_channels"], "text_len": TEXT_LEN}


def capture_hooks(torch, model, S: int, store: dict):
    """Cross-attention probabilities from diffusers' own q and k, per block."""
    def make(index, attn):
        def hook(module, args, kwargs):
            hidden = args[0] if args else kwargs["hidden_states"]
            context = args[1] if len(args) > 1 else kwargs["encoder_hidden_states"]
            q = attn.norm_q(attn.to_q(hidden))
            k = attn.norm_k(attn.to_k(context))
            B, L, D = q.shape
            H = attn.heads
            q = q.view(B, L, H, D // H).transpose(1, 2)
            k = k.view(B, k.shape[1], H, D // H).transpose(1, 2)
            p = torch.softmax((q @ k.transpose(-1, -2)) / (D // H) ** 0.5, dim=-1)  # [B, H, L, 512]
            store[f"probs.{index}"] = p[..., :S].transpose(-1, -2).contiguous()
            store[f"pad_mass.{index}"] = p[..., S:].sum(-1).contiguous()
        return hook
    for i, block in enumerate(model.blocks):
        block.attn2.register_forward_pre_hook(make(i, block.attn2), with_kwargs=True)


def main() -> int:
    out = Path(sys.argv[1])
    try:
        import torch
        from diffusers import WanTransformer3DModel
        from safetensors.torch import save_file
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    torch.manual_seed(0)
    for name, spec in CONFIGS.items():
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        m = spec["model"]
        model = WanTransformer3DModel(**m).eval()
        with torch.no_grad():
            for pname, p in model.named_parameters():
                if pname.endswith("scale_shift_table") or "norm" in pname:
                    p.copy_(torch.randn_like(p) * 0.5 + (1.0 if "norm" in pname and "bias" not in pname else 0.0))
                else:  # diffusers initialises some layers to zero; random everywhere shows more
                    p.copy_(torch.randn_like(p) / max(1, p.shape[-1]) ** 0.5)
                p.copy_(p.half().float())  # every layout holds these exact values

        B = spec["latent"][0]
        S = max(spec["lengths"])
        latents = torch.randn(spec["latent"])
        timesteps = torch.tensor(spec["timesteps"])
        context = torch.zeros(B, S, m["text_dim"])
        for b, n in enumerate(spec["lengths"]):
            context[b, :n] = torch.randn(n, m["text_dim"])
        padded = torch.zeros(B, TEXT_LEN, m["text_dim"])
        padded[:, :S] = context
        store = {}
        capture_hooks(torch, model, S, store)
        with torch.no_grad():
            velocity = model(hidden_states=latents, timestep=timesteps, encoder_hidden_states=padded,
                             return_dict=False)[0]
        tensors = {"latents": latents, "timesteps": timesteps, "context": context,
                   "lengths": torch.tensor(spec["lengths"], dtype=torch.int64), "velocity": velocity}
        tensors.update(store)
        save_file({k: v.contiguous() for k, v in tensors.items()}, str(d / "io.safetensors"))

        state = {k: v.contiguous() for k, v in model.state_dict().items()}
        official = {official_name(k): v for k, v in state.items()}
        (d / "official").mkdir(exist_ok=True)
        save_file(official, str(d / "official" / "diffusion_pytorch_model.safetensors"))
        (d / "official" / "config.json").write_text(json.dumps(official_config(m), indent=2))
        comfy = {"model.diffusion_model." + k: v.half() for k, v in official.items()}
        (d / "comfy").mkdir(exist_ok=True)
        save_file(comfy, str(d / "comfy" / "wan_tiny_fp16.safetensors"))
        (d / "comfy" / "config.json").write_text(json.dumps(official_config(m), indent=2))
        save_file(comfy, str(d / "comfy_alone.safetensors"))
        kwargs = {"max_shard_size": spec["shard"]} if spec["shard"] else {}
        model.save_pretrained(d / "diffusers" / "transformer", safe_serialization=True, **kwargs)
        (d / "meta.json").write_text(json.dumps({"model": m, "latent": spec["latent"], "lengths": spec["lengths"],
                                                 "tensors": len(state)}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
