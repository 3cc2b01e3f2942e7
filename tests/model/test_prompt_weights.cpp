#include <string>

#include "model/prompt_weights.h"
#include "model/text_error.h"
// Last: torch headers define their own CHECK macro, which must not replace Catch's.
#include "catch_compat.h"

using namespace wanattn;

namespace {

std::string text_of(const PromptChars& c) { return prompt_utf8(c); }

// The typed bytes a character came from.
std::string source(const std::string& typed, const PromptChar& c) {
  return typed.substr(size_t(c.begin), size_t(c.end - c.begin));
}

int64_t error_offset(const std::string& typed) {
  try {
    parse_prompt_weights(typed);
  } catch (const PromptSyntaxError& e) {
    return e.offset();
  }
  return -1;
}

}  // namespace

TEST_CASE("weighted groups lose their syntax and keep spans into the typed prompt", "[fast]") {
  const std::string typed = "a (red hat:1.5) on a (cat:0.7)";
  const PromptChars c = parse_prompt_weights(typed);
  CHECK(text_of(c) == "a red hat on a cat");
  // "red hat" weighted 1.5, "cat" 0.7, the rest 1.
  for (const PromptChar& ch : c) {
    const auto at = size_t(ch.begin);
    const float expected = (at >= 3 && at < 10) ? 1.5f : (at >= 22 && at < 25) ? 0.7f : 1.0f;
    CHECK(ch.weight == Approx(expected));
    CHECK(source(typed, ch).size() == 1);
  }
  CHECK(source(typed, c[2]) == "r");
  CHECK(c[2].begin == 3);
}

TEST_CASE("plain parentheses and colons stay text", "[fast]") {
  CHECK(text_of(parse_prompt_weights("a dancer (in slow motion), 10:30 pm")) == "a dancer (in slow motion), 10:30 pm");
  CHECK(text_of(parse_prompt_weights("ratio 16:9 (wide)")) == "ratio 16:9 (wide)");
  CHECK(text_of(parse_prompt_weights("smile :)")) == "smile :)");
  CHECK(text_of(parse_prompt_weights("")).empty());
}

TEST_CASE("groups nest, weights multiply, literal pairs inside are kept", "[fast]") {
  const std::string typed = "((big:2) (red) dog:1.5)";
  const PromptChars c = parse_prompt_weights(typed);
  CHECK(text_of(c) == "big (red) dog");
  CHECK(c[0].weight == Approx(3.0));   // b: 2 * 1.5
  CHECK(c[4].weight == Approx(1.5));   // '(' of "(red)"
  CHECK(c[12].weight == Approx(1.5));  // g
}

TEST_CASE("backslash escapes write the syntax characters literally", "[fast]") {
  const std::string typed = R"(a \(cat:1.5\) and \\ x)";
  const PromptChars c = parse_prompt_weights(typed);
  CHECK(text_of(c) == R"(a (cat:1.5) and \ x)");
  CHECK(source(typed, c[2]) == "\\(");
  for (const PromptChar& ch : c) CHECK(ch.weight == 1.0f);
}

TEST_CASE("malformed weighting is an error naming the byte", "[fast]") {
  CHECK(error_offset("a cat:1.5) here") == 5);      // closes no '('
  CHECK(error_offset("a (cat:1.5") == 2);            // no ')'
  CHECK(error_offset("x (:1.5)") == 2);              // empty group
  CHECK(error_offset("x (  :2)") == 2);
  CHECK(error_offset("(cat:)") == 4);                // missing weight
  CHECK(error_offset("(cat:11)") == 4);              // out of range
  CHECK(error_offset("(cat:-1)") == 4);
  CHECK(error_offset("ok (cat:1.5)") == -1);
  CHECK(error_offset("bad \xff byte") == 4);         // not UTF-8
  try {
    parse_prompt_weights("a cat:1.5) here");
    FAIL("no error");
  } catch (const PromptSyntaxError& e) {
    CHECK_THAT(e.what(), ContainsSubstring("closes no '('"));
    CHECK_THAT(e.what(), ContainsSubstring("byte 5"));
  }
}

TEST_CASE("multi-byte characters keep their byte spans", "[fast]") {
  const std::string typed = "(猫:1.2) é";
  const PromptChars c = parse_prompt_weights(typed);
  CHECK(text_of(c) == "猫 é");
  CHECK(c[0].begin == 1);
  CHECK(c[0].end == 4);
  CHECK(c[0].weight == Approx(1.2));
  CHECK(source(typed, c[2]) == "é");
}
