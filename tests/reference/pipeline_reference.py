"""End-to-end fixtures for `wanattn generate` (CTest fixture setup, after wanattn_train_tiny_spm).

Usage: pipeline_reference.py TOKENIZER_DIR OUT_DIR
Builds tiny random diffusers `WanPipeline`s (the real pipeline's parts, shrunk: a UMT5 text
encoder with gated-GELU FFN, the tiny SentencePiece tokenizer of the text tests, a tiny
WanTransformer3DModel and a tiny AutoencoderKLWan), saves each with `save_pretrained` (the
diffusers folder layout a user downloads) and runs it on the CPU. For each scenario writes
OUT_DIR/<scenario>/:
  model/                  the diffusers folder (model_index.json, transformer/, text_encoder/,
                          tokenizer/, vae/, scheduler/)
  request.json            the call: prompt, negative, seed, steps, guidance, height, width, frames
  expected.safetensors    latents [1, 16, F', H', W'] (output_type="latent"), frames
                          [F, H, W, 3] float in [0, 1] (output_type="np"), prompt_embeds and
                          negative_prompt_embeds [1, 512, d], timesteps [N] (fp32)
Exit 77 (CTest skip) when diffusers / transformers are missing.
"""
import json
import shutil
import sys
from pathlib import Path

SKIP = 77

SCENARIOS = {
    # The diffusers repos' scheduler (UniPC, flow sigmas, shift 3) with guidance: two passes.
    "unipc_cfg": dict(scheduler="unipc", shift=3.0, guidance=5.0, steps=4, seed=7, height=32, width=48,
                      frames=9, prompt="A cat dances in the rain, cinematic.", negative="blurry, static"),
    # Flow-match Euler as the diffusers pipeline test builds it (shift 7), guidance 1: no uncond pass.
    "euler_nocfg": dict(scheduler="euler", shift=7.0, guidance=1.0, steps=3, seed=123, height=48, width=32,
                        frames=5, prompt="dance monkey", negative=""),
}


def build_pipeline(tokenizer_dir: Path, spec: dict):
    import torch
    from diffusers import (AutoencoderKLWan, FlowMatchEulerDiscreteScheduler, UniPCMultistepScheduler,
                           WanPipeline, WanTransformer3DModel)
    from transformers import T5Tokenizer, UMT5Config, UMT5EncoderModel

    tokenizer = T5Tokenizer.from_pretrained(str(tokenizer_dir))
    torch.manual_seed(0)
    text_encoder = UMT5EncoderModel(UMT5Config(
        vocab_size=len(tokenizer), d_model=32, d_kv=8, d_ff=37, num_heads=4, num_layers=3,
        relative_attention_num_buckets=8, relative_attention_max_distance=128, dropout_rate=0.0,
        feed_forward_proj="gated-gelu", is_encoder_decoder=False)).eval()
    torch.manual_seed(1)
    transformer = WanTransformer3DModel(
        patch_size=(1, 2, 2), num_attention_heads=2, attention_head_dim=12, in_channels=16, out_channels=16,
        text_dim=32, freq_dim=256, ffn_dim=32, num_layers=2, cross_attn_norm=True,
        qk_norm="rms_norm_across_heads", rope_max_seq_len=32).eval()
    torch.manual_seed(2)
    vae = AutoencoderKLWan(base_dim=8, z_dim=16, dim_mult=[1, 1, 1, 1], num_res_blocks=1,
                           temperal_downsample=[False, True, True]).eval()
    with torch.no_grad():  # default init leaves norms at 1 and biases at 0: perturb them
        for name, p in list(transformer.named_parameters()) + list(vae.named_parameters()):
            if name.endswith("gamma") or (name.endswith("weight") and "norm" in name):
                p.copy_(1.0 + 0.2 * torch.randn_like(p))
            elif name.endswith("bias"):
                p.copy_(0.1 * torch.randn_like(p))
    if spec["scheduler"] == "unipc":
        scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True,
                                            flow_shift=spec["shift"], num_train_timesteps=1000)
    else:
        scheduler = FlowMatchEulerDiscreteScheduler(shift=spec["shift"])
    return WanPipeline(tokenizer=tokenizer, text_encoder=text_encoder, transformer=transformer, vae=vae,
                       scheduler=scheduler)


def run(pipe, spec: dict, output_type: str, **extra):
    import torch
    generator = torch.Generator("cpu").manual_seed(spec["seed"])
    return pipe(prompt=spec["prompt"], negative_prompt=spec["negative"], height=spec["height"],
                width=spec["width"], num_frames=spec["frames"], num_inference_steps=spec["steps"],
                guidance_scale=spec["guidance"], generator=generator, output_type=output_type,
                max_sequence_length=512, **extra).frames


def main() -> int:
    tokenizer_dir, out = Path(sys.argv[1]), Path(sys.argv[2])
    try:
        import torch
        from safetensors.torch import save_file
        import diffusers  # noqa: F401
        import transformers  # noqa: F401
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    torch.set_num_threads(1)  # reproducible CPU reductions
    for name, spec in SCENARIOS.items():
        folder = out / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        pipe = build_pipeline(tokenizer_dir, spec)
        pipe.save_pretrained(str(folder / "model"), safe_serialization=True)
        # The diffusers Wan repos ship spiece.model beside tokenizer.json; transformers 5 saves only the latter.
        shutil.copy(tokenizer_dir / "spiece.model", folder / "model" / "tokenizer" / "spiece.model")
        with torch.no_grad():
            embeds, negative = pipe.encode_prompt(spec["prompt"], spec["negative"],
                                                  do_classifier_free_guidance=spec["guidance"] > 1.0,
                                                  max_sequence_length=512, device=torch.device("cpu"))
            latents = run(pipe, spec, "latent")
            frames = run(pipe, spec, "np")
        pipe.scheduler.set_timesteps(spec["steps"])
        tensors = {
            "latents": latents.float().contiguous(),
            "frames": torch.from_numpy(frames[0]).float().contiguous(),
            "prompt_embeds": embeds.float().contiguous(),
            "timesteps": pipe.scheduler.timesteps.float().contiguous(),
        }
        if negative is not None:
            tensors["negative_prompt_embeds"] = negative.float().contiguous()
        save_file(tensors, str(folder / "expected.safetensors"))
        (folder / "request.json").write_text(json.dumps(spec, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
