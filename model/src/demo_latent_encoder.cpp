#include "model/demo_latent_encoder.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <stdexcept>

namespace wanattn::demo {
namespace {

// `clip` holds every `stride`-th video frame (stride 1 or 2).
at::Tensor encode(const at::Tensor& clip, int64_t stride) {
  const int64_t per_latent = 4 / stride;
  if (clip.dim() != 5 || clip.size(1) != 3 || (clip.size(2) - 1) % per_latent != 0 || clip.size(3) % 8 || clip.size(4) % 8)
    throw std::invalid_argument(fmt::format("demo encoder: expected a clip [B, 3, {}n+1, 8h, 8w], got {}", per_latent,
                                            fmt::join(clip.sizes(), "x")));
  const int64_t B = clip.size(0), T = (clip.size(2) - 1) / per_latent + 1, H = clip.size(3), W = clip.size(4);
  const auto i64 = at::TensorOptions().dtype(at::kLong).device(clip.device());
  const at::Tensor last = at::arange(T, i64) * per_latent;                // where video frames 0, 4, 8, ... are
  const at::Tensor middle = (last - 2 / stride).clamp_min(0);             // and video frames 0, 2, 6, ...
  const at::Tensor x = clip.to(at::kFloat);
  const at::Tensor colour = x.index_select(2, last);                                   // [B, 3, T, H, W]
  const at::Tensor m = x.index_select(2, middle);
  const at::Tensor grey = (m.select(1, 0) * 0.299 + m.select(1, 1) * 0.587 + m.select(1, 2) * 0.114).unsqueeze(1);
  const at::Tensor cells = at::avg_pool3d(at::cat({colour, grey}, 1), {1, 4, 4}, {1, 4, 4});  // [B, 4, T, H/4, W/4]
  const at::Tensor frames = cells.permute({0, 2, 1, 3, 4}).reshape({B * T, 4, H / 4, W / 4});
  return at::pixel_unshuffle(frames, 2).view({B, T, kLatentChannels, H / 8, W / 8}).permute({0, 2, 1, 3, 4}).contiguous();
}

}  // namespace

at::Tensor encode_latents(const at::Tensor& clip) { return encode(clip, 1); }

at::Tensor encode_latents_of_even_frames(const at::Tensor& even_frames) { return encode(even_frames, 2); }

}  // namespace wanattn::demo
