// Trains the tiny umT5-like SentencePiece model the tokenizer tests use (T5 ids: <pad> 0,
// </s> 1, <unk> 2, no BOS) with libsentencepiece's trainer, into DIR/spiece.model, plus a
// tokenizer_config.json with 5 sentinels. Deterministic: one thread, fixed corpus.
// Usage: wanattn_train_tiny_spm DIR
#include <sentencepiece_trainer.h>

#include <filesystem>
#include <fstream>
#include <iostream>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: wanattn_train_tiny_spm DIR\n";
    return 2;
  }
  const std::filesystem::path dir(argv[1]);
  std::filesystem::create_directories(dir);
  const char* lines[] = {
      "A cat sits on a red mat in the sun.",
      "The quick brown fox jumps over the lazy dog!",
      "A dancer (in slow motion), cinematic lighting, 4k, highly detailed.",
      "cinematic shot of a red hat on a wooden table, soft light, film grain",
      "Ein Hund läuft über die Wiese, und die Sonne scheint.",
      "Un chat noir dort sur le canapé près de la fenêtre.",
      "一只猫坐在窗边看着下雨。",
      "شاهد القطة وهي تلعب في الحديقة",
      "חתול יושב על השטיח ליד החלון",
      "Кошка спит на диване у окна.",
      "fireworks over the city at night 🎉 people cheering",
      "a naïve café owner's \"quiet\" morning; rain & fog",
  };
  const auto corpus = dir / "corpus.txt";
  {
    std::ofstream f(corpus);
    for (int r = 0; r < 4; ++r)
      for (const char* l : lines) f << l << "\n";
  }
  const std::string args = "--input=" + corpus.string() + " --model_prefix=" + (dir / "spiece").string() +
                           " --vocab_size=220 --model_type=unigram --pad_id=0 --eos_id=1 --unk_id=2 --bos_id=-1"
                           " --character_coverage=1.0 --num_threads=1 --hard_vocab_limit=false"
                           " --minloglevel=2";
  if (const auto st = sentencepiece::SentencePieceTrainer::Train(args); !st.ok()) {
    std::cerr << "training failed: " << st.ToString() << "\n";
    return 1;
  }
  std::ofstream(dir / "tokenizer_config.json") << "{\"extra_ids\": 5}\n";
  return 0;
}
