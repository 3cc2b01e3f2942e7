"""Reference ids for the tokenizer tests (CTest fixture, run after wanattn_train_tiny_spm).

Usage: tokenizer_reference.py FIXTURE_DIR
Reads FIXTURE_DIR/spiece.model (+ tokenizer_config.json), and writes
FIXTURE_DIR/expected.json: for each prompt, the reference cleaning (diffusers' Wan
`prompt_clean`, with ftfy) and the ids of
  - transformers T5Tokenizer as the pipelines call it (padding="max_length", 512,
    truncation, EOS), and
  - the Python sentencepiece package (cleaned text, + EOS, truncated to 511 + EOS).
Exit 77 (CTest skip) when the reference packages are missing.
"""
import json
import sys
from pathlib import Path

SKIP = 77

PROMPTS = [
    "A cat sits on a red mat in the sun.",
    "  A   dancer\tin slow\n\nmotion  ",
    "cinematic, 4k, highly detailed!!! (in slow motion)",
    "Ein Hund läuft über die Wiese — und die Sonne scheint.",
    "一只猫坐在窗边看着下雨。",
    "شاهد القطة وهي تلعب في الحديقة",
    "חתול יושב על השטיח ליד החלון",
    "mixed עברית and English, العربية too",
    "fireworks 🎉 and a cat 🐱‍👤 waving 👋🏽",
    "ﬁne ﬂour, Ｆｕｌｌｗｉｄｔｈ text and “curly” ‘quotes’",
    "rain &amp; fog, &lt;b&gt; tags, &amp;amp; twice, caf&eacute; &#233; &#x1F431;",
    "&notit; &amp &EACUTE; &#0; &#x110000; &#128;",
    "zero\u200bwidth, non\u00a0breaking, ideographic\u3000space, line\u2028sep",
    "control\x07chars\x1b[31m red\x1b[0m",
    "a</s>b <extra_id_0> c <extra_id_4><pad> <unk>",
    "naïve café owner's \"quiet\" morning; rain & fog",
    "",
    "   ",
    "\t\n ",
    " ".join(["a cat sits on a red mat in the sun."] * 80),
    "cinematic shot " * 300,
]


def main() -> int:
    fixture = Path(sys.argv[1])
    try:
        import sentencepiece as spm
        from diffusers.pipelines.wan.pipeline_wan import prompt_clean
        from transformers import T5Tokenizer
        import ftfy  # noqa: F401 - prompt_clean uses it when installed, as the reference does
    except ImportError as e:
        print(f"reference packages missing ({e}): skipping", file=sys.stderr)
        return SKIP
    sp = spm.SentencePieceProcessor(model_file=str(fixture / "spiece.model"))
    tok = T5Tokenizer.from_pretrained(str(fixture))
    out = []
    for prompt in PROMPTS:
        cleaned = prompt_clean(prompt)
        enc = tok(cleaned, padding="max_length", max_length=512, truncation=True, add_special_tokens=True,
                  return_attention_mask=True)
        sp_ids = sp.encode(cleaned)[:511] + [sp.eos_id()]
        out.append({
            "prompt": prompt,
            "cleaned": cleaned,
            "hf_ids": enc["input_ids"],
            "hf_mask": enc["attention_mask"],
            "sp_ids": sp_ids,
            "sp_pieces": len(sp.encode(cleaned)),
        })
    (fixture / "expected.json").write_text(json.dumps({"prompts": out}, ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
