"""Parity fixtures for the UMT5 encoder (CTest fixture setup).

Usage: umt5_reference.py OUT_DIR
For a few tiny random transformers UMT5EncoderModel configs (several layers, heads,
bucket counts; prompts with padding), writes OUT_DIR/<config>/:
  diffusers/text_encoder/   config.json + sharded safetensors + model.safetensors.index.json
  comfy_fp16.safetensors    one file, transformers names under a prefix, float16
  official.pth              torch.save of the official Wan2.1 names (as the .pth ships)
  official.safetensors      the same converted by tools/convert_pth.py
  (the single files only for max distance 128: they carry no config, UMT5-XXL's applies)
  expected.safetensors      ids, mask [B, L] and the reference last hidden state [B, L, d]
                            with padding rows zeroed (fp32, eager attention)
Weights are rounded to float16 first, so every layout holds the very same values.
Exit 77 (CTest skip) when transformers is missing.
"""
import json
import subprocess
import sys
from pathlib import Path

SKIP = 77
ROOT = Path(__file__).resolve().parents[2]

CONFIGS = {
    # name: (config, batch of real lengths, padded length)
    "small": (dict(vocab_size=99, d_model=32, d_kv=8, d_ff=37, num_heads=4, num_layers=3,
                   relative_attention_num_buckets=8, relative_attention_max_distance=128), [13, 24], 24),
    "wide_inner": (dict(vocab_size=120, d_model=48, d_kv=16, d_ff=64, num_heads=6, num_layers=2,
                        relative_attention_num_buckets=32, relative_attention_max_distance=128), [150, 40], 160),
    "deep": (dict(vocab_size=64, d_model=16, d_kv=4, d_ff=24, num_heads=2, num_layers=5,
                  relative_attention_num_buckets=16, relative_attention_max_distance=20), [1, 47], 48),
}

OFFICIAL = [  # transformers suffix -> official suffix (spec 6.3)
    ("layer.0.layer_norm.weight", "norm1.weight"),
    ("layer.0.SelfAttention.q.weight", "attn.q.weight"),
    ("layer.0.SelfAttention.k.weight", "attn.k.weight"),
    ("layer.0.SelfAttention.v.weight", "attn.v.weight"),
    ("layer.0.SelfAttention.o.weight", "attn.o.weight"),
    ("layer.0.SelfAttention.relative_attention_bias.weight", "pos_embedding.embedding.weight"),
    ("layer.1.layer_norm.weight", "norm2.weight"),
    ("layer.1.DenseReluDense.wi_0.weight", "ffn.gate.0.weight"),
    ("layer.1.DenseReluDense.wi_1.weight", "ffn.fc1.weight"),
    ("layer.1.DenseReluDense.wo.weight", "ffn.fc2.weight"),
]


def official_name(name: str) -> str:
    if name == "shared.weight":
        return "token_embedding.weight"
    if name == "encoder.final_layer_norm.weight":
        return "norm.weight"
    parts = name.split(".")
    assert parts[:2] == ["encoder", "block"], name
    rest = ".".join(parts[3:])
    for hf, off in OFFICIAL:
        if rest == hf:
            return f"blocks.{parts[2]}.{off}"
    raise KeyError(name)


def main() -> int:
    out = Path(sys.argv[1])
    try:
        import torch
        from safetensors.torch import save_file
        from transformers import UMT5Config, UMT5EncoderModel
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    torch.manual_seed(0)
    for name, (cfg, lengths, L) in CONFIGS.items():
        d = out / name
        d.mkdir(parents=True, exist_ok=True)
        config = UMT5Config(**cfg, feed_forward_proj="gated-gelu", dropout_rate=0.0, is_encoder_decoder=False,
                            use_cache=False, tie_word_embeddings=False)
        config._attn_implementation = "eager"
        model = UMT5EncoderModel(config).eval()
        with torch.no_grad():
            for pname, p in model.named_parameters():
                if "layer_norm" in pname:  # not all ones, so a missed norm shows
                    p.copy_(1.0 + 0.2 * torch.randn_like(p))
                elif "relative_attention_bias" in pname:
                    p.copy_(torch.randn_like(p))
                p.copy_(p.half().float())  # every layout holds these exact values
        ids = torch.randint(3, cfg["vocab_size"], (len(lengths), L))
        mask = torch.zeros(len(lengths), L, dtype=torch.long)
        for b, t in enumerate(lengths):
            mask[b, :t] = 1
            ids[b, t - 1] = 1  # EOS
            ids[b, t:] = 0     # padding
        with torch.no_grad():
            hidden = model(input_ids=ids, attention_mask=mask).last_hidden_state
        hidden = hidden * mask[..., None].to(hidden.dtype)
        save_file({"ids": ids, "mask": mask, "hidden": hidden.contiguous()}, str(d / "expected.safetensors"))
        (d / "meta.json").write_text(json.dumps({"config": cfg, "lengths": lengths, "length": L}))

        model.save_pretrained(d / "diffusers" / "text_encoder", max_shard_size="20KB", safe_serialization=True)
        if cfg["relative_attention_max_distance"] != 128:
            continue  # single files carry no config: their max distance is UMT5-XXL's 128
        state = {k: v for k, v in model.state_dict().items() if k != "encoder.embed_tokens.weight"}
        save_file({"text_encoders.umt5xxl.transformer." + k: v.half().contiguous() for k, v in state.items()},
                  str(d / "comfy_fp16.safetensors"))
        torch.save({official_name(k): v.clone() for k, v in state.items()}, d / "official.pth")
        subprocess.run([sys.executable, str(ROOT / "tools" / "convert_pth.py"), str(d / "official.pth"),
                        str(d / "official.safetensors")], check=True, stdout=subprocess.DEVNULL)
    return 0


if __name__ == "__main__":
    sys.exit(main())
