#include "model/demo_tokenizer.h"

#include <fmt/format.h>
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "model/demo_scene.h"

namespace fs = std::filesystem;

namespace wanattn::demo {

void train_tokenizer(const std::string& dir_in, uint64_t seed) {
  const fs::path dir(dir_in);
  fs::create_directories(dir);
  const fs::path corpus = dir / "corpus.txt";
  {
    std::ofstream f(corpus);
    Rng rng(seed);
    SceneOptions opt;
    opt.allow_held_out = true;  // the tokenizer knows every word; only the DiT never sees the pairs
    for (int i = 0; i < 3000; ++i) f << sample_scene(rng, opt).caption() << "\n";
    for (int r = 0; r < 5; ++r)
      for (const auto& w : vocabulary()) f << w << "\n";
    for (int r = 0; r < 3; ++r) f << "a b c d e f g h i j k l m n o p q r s t u v w x y z 0 1 2 3 4 5 6 7 8 9 . , ! ?\n";
  }
  // vocab_size is an upper bound (hard_vocab_limit=false): the corpus yields ~80 pieces.
  const std::string args = "--input=" + corpus.string() + " --model_prefix=" + (dir / "spiece").string() +
                           " --vocab_size=128 --model_type=unigram --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1"
                           " --character_coverage=1.0 --num_threads=1 --hard_vocab_limit=false"
                           " --normalization_rule_name=nmt_nfkc_cf --minloglevel=2";
  const auto status = sentencepiece::SentencePieceTrainer::Train(args);
  fs::remove(corpus);
  fs::remove(dir / "spiece.vocab");
  if (!status.ok()) throw std::runtime_error(fmt::format("training the demo tokenizer failed: {}", status.ToString()));
  std::ofstream(dir / "tokenizer_config.json")
      << R"({"extra_ids": 0, "model_max_length": 512, "pad_token": "<pad>", "eos_token": "</s>", "unk_token": "<unk>", "tokenizer_class": "T5Tokenizer"})"
      << "\n";
}

}  // namespace wanattn::demo
