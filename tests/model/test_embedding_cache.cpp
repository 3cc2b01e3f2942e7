// The on-disk embedding cache, and the prompt encoder that uses it: a second run of the
// same prompt does not run the encoder; the encoder is released after encoding.
#include <torch/torch.h>

#include <filesystem>
#include <fstream>

#include "model/embedding_cache.h"
#include "model/safetensors_file.h"
#include "model/umt5_encoder.h"
#include "support/temp_dir.h"
#if WANATTN_HAVE_TOKENIZER
#include "model/prompt_encoder.h"
#endif
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;
namespace fs = std::filesystem;

TEST_CASE("embeddings round-trip through the cache, keyed by model, prompt, ids and dtype", "[fast]") {
  test::TempDir dir("emb-cache");
  const EmbeddingCache cache(dir.sub("cache"));
  const EmbeddingKey key{"umt5-abc", "a red cat", {5, 6, 7, 1}, at::kFloat};
  CHECK_FALSE(cache.get(key, 16).has_value());
  const at::Tensor emb = at::randn({16, 8});
  cache.put(key, emb);
  const auto hit = cache.get(key, 16);
  REQUIRE(hit.has_value());
  CHECK(hit->sizes() == at::IntArrayRef({16, 8}));
  CHECK(at::equal(hit->narrow(0, 0, 4), emb.narrow(0, 0, 4)));
  CHECK(hit->narrow(0, 4, 12).abs().max().item<float>() == 0.0f);  // padding rows come back zero
  for (const EmbeddingKey& other : {EmbeddingKey{"umt5-xyz", "a red cat", {5, 6, 7, 1}, at::kFloat},
                                    EmbeddingKey{"umt5-abc", "a red dog", {5, 6, 7, 1}, at::kFloat},
                                    EmbeddingKey{"umt5-abc", "a red cat", {5, 6, 8, 1}, at::kFloat},
                                    EmbeddingKey{"umt5-abc", "a red cat", {5, 6, 7, 1}, at::kBFloat16}})
    CHECK_FALSE(cache.get(other, 16).has_value());
  for (const auto& e : fs::directory_iterator(cache.dir())) CHECK(e.path().extension() == ".safetensors");  // no temp files
  // A damaged entry is a miss, and the next put repairs it.
  fs::resize_file(cache.path_of(key), 20);
  CHECK_FALSE(cache.get(key, 16).has_value());
  cache.put(key, emb);
  CHECK(cache.get(key, 16).has_value());
}

#if WANATTN_HAVE_TOKENIZER
namespace {

// A random UMT5 whose vocabulary covers the tiny tokenizer's ids, saved with its own names.
std::string write_tiny_encoder(const std::string& path) {
  UMT5Config c;
  c.vocab_size = 256, c.d_model = 16, c.d_kv = 4, c.num_heads = 2, c.d_ff = 24, c.num_layers = 2, c.num_buckets = 8;
  c.max_distance = 16;
  UMT5EncoderModel m(c, UMT5Options::for_device(at::kCPU));
  m->random_init(7);
  std::vector<std::pair<std::string, at::Tensor>> tensors;
  for (const auto& p : m->named_parameters()) tensors.emplace_back(p.key(), p.value().contiguous());
  write_safetensors(path, tensors);
  return path;
}

}  // namespace

TEST_CASE("a re-run of the same prompt skips the encoder, which is released after use", "[fast]") {
  test::TempDir dir("prompt-encoder");
  const fs::path tok = fs::path(WANATTN_TEXT_FIXTURES) / "tokenizer";
  PromptEncoderOptions opts;
  opts.encoder_path = write_tiny_encoder(dir.sub("umt5_tiny.safetensors"));
  opts.cache_dir = dir.sub("cache");
  const std::vector<std::string> prompts = {"A cat sits on a red mat.", "", "a (red:1.3) hat"};
  PromptEncoder first(T5Tokenizer::from_folder(tok.string()), opts);
  const auto a = first.encode(prompts);
  CHECK(first.encoder_runs() == 1);  // all misses in one batch
  CHECK_FALSE(first.loaded());       // released after encoding
  for (const auto& e : a) {
    CHECK_FALSE(e.from_cache);
    REQUIRE(e.context.sizes() == at::IntArrayRef({512, 16}));
    const int64_t T = e.tokens.real_tokens();
    CHECK(e.context.narrow(0, T, 512 - T).abs().max().item<float>() == 0.0f);
    CHECK(e.context.narrow(0, 0, T).abs().max().item<float>() > 0.0f);
  }
  PromptEncoder second(T5Tokenizer::from_folder(tok.string()), opts);
  const auto b = second.encode({prompts[2], prompts[0]});
  CHECK(second.encoder_runs() == 0);
  CHECK(b[0].from_cache);
  CHECK(at::equal(b[0].context, a[2].context));
  CHECK(at::equal(b[1].context, a[0].context));
  // keep_loaded keeps the encoder for the next prompt.
  opts.keep_loaded = true;
  opts.cache_dir.reset();
  PromptEncoder kept(T5Tokenizer::from_folder(tok.string()), opts);
  const auto c = kept.encode({prompts[0]});
  CHECK(kept.loaded());
  CHECK(at::allclose(c[0].context, a[0].context, 1e-5, 1e-6));  // same batch-independent result
  kept.release();
  CHECK_FALSE(kept.loaded());
}
#endif
