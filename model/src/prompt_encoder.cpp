#include "model/prompt_encoder.h"

#include <c10/cuda/CUDACachingAllocator.h>
#include <torch/torch.h>

#include "model/text_error.h"

namespace wanattn {

PromptEncoder::PromptEncoder(std::optional<T5Tokenizer> tokenizer, PromptEncoderOptions options)
    : tokenizer_(std::move(tokenizer)), options_(std::move(options)) {}

const std::string& PromptEncoder::identity() {
  if (identity_.empty()) identity_ = loaded() ? encoder_.identity : umt5_identity(options_.encoder_path);
  return identity_;
}

std::vector<EncodedPrompt> PromptEncoder::encode(const std::vector<std::string>& prompts) {
  if (!tokenizer_) throw TokenizerError("no tokenizer loaded: this encoder takes tokenized prompts only");
  std::vector<TokenizedPrompt> tokenized;
  for (const auto& p : prompts) tokenized.push_back(tokenizer_->encode(p));
  return encode_tokenized(std::move(tokenized));
}

void PromptEncoder::install(LoadedUMT5 encoder) {
  encoder_ = std::move(encoder);
  identity_ = encoder_.identity;
}

std::vector<EncodedPrompt> PromptEncoder::encode_tokenized(std::vector<TokenizedPrompt> prompts) {
  const UMT5Options uopts = UMT5Options::for_device(options_.device);
  std::optional<EmbeddingCache> cache;
  if (options_.cache_dir && !options_.cache_dir->empty()) cache.emplace(*options_.cache_dir);
  std::vector<EncodedPrompt> out(prompts.size());
  std::vector<size_t> misses;
  // The numerics are part of the key: embeddings made with an fp32 residual stream (the
  // default in stops 14-15) are not the references' bf16-stream ones the default computes.
  const std::string numerics = uopts.residual_dtype() != uopts.dtype ? "|fp32-residual" : "";
  auto key_of = [&](const TokenizedPrompt& t) {
    return EmbeddingKey{identity() + numerics, t.cleaned,
                        std::vector<int64_t>(t.ids.begin(), t.ids.begin() + t.real_tokens()), uopts.dtype};
  };
  for (size_t i = 0; i < prompts.size(); ++i) {
    out[i].tokens = std::move(prompts[i]);
    if (cache) {
      if (auto hit = cache->get(key_of(out[i].tokens), int64_t(out[i].tokens.ids.size()))) {
        out[i].context = hit->to(options_.device);
        out[i].from_cache = true;
        continue;
      }
    }
    misses.push_back(i);
  }
  if (!misses.empty()) {
    torch::InferenceMode guard;
    if (!loaded()) encoder_ = load_umt5_encoder(options_.encoder_path, uopts);
    std::vector<at::Tensor> ids, masks;
    for (size_t i : misses) {
      ids.push_back(at::tensor(out[i].tokens.ids, at::kLong));
      masks.push_back(at::tensor(out[i].tokens.mask(), at::kLong));
    }
    const at::Tensor ctx = encoder_.model->forward(at::stack(ids), at::stack(masks));  // [n, 512, d]
    ++runs_;
    for (size_t k = 0; k < misses.size(); ++k) {
      EncodedPrompt& e = out[misses[k]];
      e.context = ctx[int64_t(k)].clone();
      if (cache) cache->put(key_of(e.tokens), e.context);
    }
    if (!options_.keep_loaded) release();
  }
  return out;
}

void PromptEncoder::release() {
  encoder_.model = nullptr;
  if (options_.device.is_cuda()) c10::cuda::CUDACachingAllocator::emptyCache();
}

}  // namespace wanattn
