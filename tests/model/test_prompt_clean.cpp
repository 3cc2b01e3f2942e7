#include <string>

#include "model/prompt_clean.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;

// Python-equivalence of the cleaning is checked on the reference prompts in
// test_tokenizer.cpp; these check the behaviour and the spans.

TEST_CASE("whitespace is stripped and collapsed, runs keep their span", "[fast]") {
  CHECK(prompt_clean("  a \t\n b  ") == "a b");
  CHECK(prompt_clean("a\u00a0\u3000b") == "a b");
  CHECK(prompt_clean("   ").empty());
  const std::string typed = "a \t b";
  const PromptChars c = prompt_clean(decode_prompt(typed));
  REQUIRE(c.size() == 3);
  CHECK(c[1].cp == U' ');
  CHECK(c[1].begin == 1);
  CHECK(c[1].end == 4);
}

TEST_CASE("HTML references decode as html.unescape, twice", "[fast]") {
  CHECK(prompt_clean("rain &amp; fog") == "rain & fog");
  CHECK(prompt_clean("&amp;amp;amp;") == "&");  // ftfy once (no '<'), then html.unescape twice
  CHECK(prompt_clean("<b> &amp;amp;amp;") == "<b> &amp;");  // ftfy skips text with '<'
  CHECK(prompt_clean("&notit;") == "\u00acit;");
  CHECK(prompt_clean("caf&eacute; &#233; &#x1F431;") == "café é 🐱");
  CHECK(prompt_clean("&#128;") == "€");
  const std::string typed = "x &amp; y";
  const PromptChars c = prompt_clean(decode_prompt(typed));
  REQUIRE(c.size() == 5);
  CHECK(c[2].cp == U'&');
  CHECK(c[2].begin == 2);
  CHECK(c[2].end == 7);
}

TEST_CASE("ftfy's character fixes", "[fast]") {
  CHECK(prompt_clean("“curly” ‘quotes’") == "\"curly\" 'quotes'");
  CHECK(prompt_clean("ﬁne") == "fine");
  CHECK(prompt_clean("Ｆｕｌｌ") == "Full");
  CHECK(prompt_clean("bell\x07 \x1b[31mred\x1b[0m") == "bell red");
  // A ligature expands to two characters that both point at the typed ligature.
  const PromptChars c = prompt_clean(decode_prompt("ﬁ"));
  REQUIRE(c.size() == 2);
  CHECK(c[0].begin == 0);
  CHECK(c[1].end == 3);
}
