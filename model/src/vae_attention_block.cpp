#include "model/vae_attention_block.h"

#include <ATen/ATen.h>

namespace wanattn {

VaeAttentionBlockImpl::VaeAttentionBlockImpl(int64_t c, at::TensorOptions o) {
  norm = register_module("norm", VaeRMSNorm(c, true, o));
  auto qkv = std::make_shared<torch::nn::Module>();
  qkv_weight = qkv->register_parameter("weight", at::empty({3 * c, c, 1, 1}, o), false);
  qkv_bias = qkv->register_parameter("bias", at::empty({3 * c}, o), false);
  register_module("to_qkv", qkv);
  auto proj = std::make_shared<torch::nn::Module>();
  proj_weight = proj->register_parameter("weight", at::empty({c, c, 1, 1}, o), false);
  proj_bias = proj->register_parameter("bias", at::empty({c}, o), false);
  register_module("proj", proj);
}

at::Tensor VaeAttentionBlockImpl::forward(const at::Tensor& x) const {
  const int64_t B = x.size(0), C = x.size(1), T = x.size(2), H = x.size(3), W = x.size(4);
  const at::Tensor frames = x.permute({0, 2, 1, 3, 4}).reshape({B * T, C, H, W});
  const at::Tensor qkv = at::conv2d(norm->forward(frames), qkv_weight, qkv_bias);  // [BT, 3C, H, W]
  const at::Tensor seq = qkv.reshape({B * T, 1, 3 * C, H * W}).transpose(2, 3);  // [BT, 1, HW, 3C]
  const auto parts = seq.chunk(3, -1);
  const at::Tensor att = at::scaled_dot_product_attention(parts[0], parts[1], parts[2]);  // [BT, 1, HW, C]
  const at::Tensor out = at::conv2d(att.squeeze(1).transpose(1, 2).reshape({B * T, C, H, W}), proj_weight, proj_bias);
  return out.view({B, T, C, H, W}).permute({0, 2, 1, 3, 4}) + x;
}

}  // namespace wanattn
