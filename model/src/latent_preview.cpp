#include "model/latent_preview.h"

#include <ATen/ATen.h>
#include <torch/torch.h>

namespace wanattn {

LatentPreview LatentPreview::from_vae(const WanVae& vae) {
  torch::InferenceMode guard;
  const int64_t C = vae->config().z_dim, n = 4;
  const auto param = vae->conv2->weight;
  // Batch: 0, then +1 and -1 along each channel, constant over a 1-frame n x n latent.
  at::Tensor z = at::zeros({1 + 2 * C, C, 1, n, n}, param.options().dtype(at::kFloat));
  for (int64_t c = 0; c < C; ++c) {
    z[1 + 2 * c][c].fill_(1.0);
    z[2 + 2 * c][c].fill_(-1.0);
  }
  const at::Tensor video = vae->decode(z).to(at::kCPU, at::kFloat);  // [33, 3, 1, 8n, 8n]
  const int64_t px = video.size(-1), lo = px / 4, span = px / 2;     // interior: no padding effects
  const at::Tensor mean = video.narrow(3, lo, span).narrow(4, lo, span).mean({2, 3, 4});  // [33, 3]
  LatentPreview p;
  const at::Tensor pos = mean.slice(0, 1, 1 + 2 * C, 2), neg = mean.slice(0, 2, 2 + 2 * C, 2);  // [C, 3]
  p.matrix_ = ((pos - neg) / 2).t().contiguous();  // [3, C]
  p.offset_ = mean[0].contiguous();                // [3]
  return p;
}

at::Tensor LatentPreview::rgb(const at::Tensor& x0) const {
  torch::InferenceMode guard;
  const at::Tensor x = x0[0].to(at::kFloat);                                     // [C, F, h, w]
  const at::Tensor m = matrix_.to(x.device()), b = offset_.to(x.device());
  at::Tensor img = at::einsum("kc,cfhw->fhwk", {m, x}) + b;                      // [F, h, w, 3] in ~[-1, 1]
  img = ((img.clamp(-1, 1) + 1) * 127.5).round().to(at::kByte);
  return img.to(at::kCPU).contiguous();
}

}  // namespace wanattn
