"""Reference timing for `wanattn bench generate`: diffusers' WanPipeline doing the paper's run
(25 steps, guidance 6, 61 frames at 832x480) with full-size random weights on the same GPU,
no capture, the way a diffusers user runs it: UMT5-XXL and the transformer in bf16, the VAE
in fp32, everything resident (no offload), UniPC with flow shift 5.

Usage: generate_bench.py [--steps 25] [--frames 61] [--tokens 30] [--negative-tokens 60]
The text encoder is timed on its own (the pipeline is given the embeddings, since no tokenizer
file can be assumed), then a warm-up call of 3 steps, then the measured call. The VAE share is
the time after the last step's callback.
"""
import argparse
import time

import torch


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--frames", type=int, default=61)
    ap.add_argument("--height", type=int, default=480)
    ap.add_argument("--width", type=int, default=832)
    ap.add_argument("--guidance", type=float, default=6.0)
    ap.add_argument("--tokens", type=int, default=30)
    ap.add_argument("--negative-tokens", type=int, default=60)
    a = ap.parse_args()

    from diffusers import AutoencoderKLWan, UniPCMultistepScheduler, WanPipeline, WanTransformer3DModel
    from transformers import UMT5Config, UMT5EncoderModel

    dev = torch.device("cuda")
    t0 = time.perf_counter()
    with torch.device(dev):
        text_encoder = UMT5EncoderModel(UMT5Config(
            vocab_size=256384, d_model=4096, d_kv=64, d_ff=10240, num_heads=64, num_layers=24,
            relative_attention_num_buckets=32, relative_attention_max_distance=128, dropout_rate=0.0,
            feed_forward_proj="gated-gelu", is_encoder_decoder=False)).to(torch.bfloat16).eval()
        transformer = WanTransformer3DModel(
            patch_size=(1, 2, 2), num_attention_heads=12, attention_head_dim=128, in_channels=16, out_channels=16,
            text_dim=4096, freq_dim=256, ffn_dim=8960, num_layers=30, cross_attn_norm=True,
            qk_norm="rms_norm_across_heads", eps=1e-6, rope_max_seq_len=1024).to(torch.bfloat16).eval()
        vae = AutoencoderKLWan().eval()
    scheduler = UniPCMultistepScheduler(prediction_type="flow_prediction", use_flow_sigmas=True, flow_shift=5.0,
                                        num_train_timesteps=1000)
    pipe = WanPipeline(tokenizer=None, text_encoder=text_encoder, transformer=transformer, vae=vae, scheduler=scheduler)
    torch.cuda.synchronize()
    print(f"diffusers parts built in {time.perf_counter() - t0:.1f} s (random weights, not timed below)")

    def ids(T, seed):
        g = torch.Generator().manual_seed(seed)
        x = torch.zeros(1, 512, dtype=torch.long)
        x[0, :T - 1] = torch.randint(3, 32000, (T - 1,), generator=g)
        x[0, T - 1] = 1
        mask = torch.zeros(1, 512, dtype=torch.long)
        mask[0, :T] = 1
        return x.to(dev), mask.to(dev), T

    def encode(batch):
        x, mask, T = batch
        h = text_encoder(x, attention_mask=mask).last_hidden_state
        out = torch.zeros_like(h)
        out[:, :T] = h[:, :T]
        return out

    def run(steps):
        torch.cuda.synchronize()
        t_start = time.perf_counter()
        with torch.no_grad():
            pe = encode(ids(a.tokens, 1))
            ne = encode(ids(a.negative_tokens, 2))
        torch.cuda.synchronize()
        t_text = time.perf_counter() - t_start
        marks = []

        def on_step(p, i, t, kw):
            torch.cuda.synchronize()
            marks.append(time.perf_counter())
            return kw

        t1 = time.perf_counter()
        with torch.no_grad():
            pipe(prompt_embeds=pe, negative_prompt_embeds=ne, height=a.height, width=a.width, num_frames=a.frames,
                 num_inference_steps=steps, guidance_scale=a.guidance, generator=torch.Generator(dev).manual_seed(58),
                 output_type="np", callback_on_step_end=on_step)
        torch.cuda.synchronize()
        t_end = time.perf_counter()
        return t_text, marks[-1] - t1, t_end - marks[-1], t_end - t_start

    run(3)
    torch.cuda.reset_peak_memory_stats()
    text, denoise, vae_s, total = run(a.steps)
    print(f"diffusers WanPipeline (bf16 transformer and UMT5, fp32 VAE, SDPA), {a.steps} steps, {a.frames} frames "
          f"{a.width}x{a.height}, guidance {a.guidance}:")
    print(f"  text encoder (2 prompts)  {text:8.2f} s")
    print(f"  denoise                   {denoise:8.2f} s  ({1e3 * denoise / a.steps:.0f} ms per step)")
    print(f"  VAE decode + postprocess  {vae_s:8.2f} s")
    print(f"  total                     {total:8.2f} s")
    print(f"  GPU memory peak           {torch.cuda.max_memory_allocated() / 2**30:8.2f} GiB allocated")


if __name__ == "__main__":
    main()
