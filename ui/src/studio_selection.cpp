#include "ui/studio_selection.h"

#include <algorithm>

namespace wanattn {

namespace {
bool same_token(const render::TokenSet& a, const render::TokenSet& b) {
  return a.tokens == b.tokens && a.padding == b.padding;
}
}  // namespace

void StudioSelection::emitIf(int what) {
  if (what != 0) Q_EMIT changed(what);
}

void StudioSelection::setTokens(std::vector<render::TokenSet> tokens) {
  if (tokens.size() > size_t(kMaxTokens)) tokens.resize(kMaxTokens);
  state_.tokens = std::move(tokens);
  emitIf(Tokens);
}

void StudioSelection::toggleToken(const render::TokenSet& token) {
  auto& t = state_.tokens;
  const auto it = std::find_if(t.begin(), t.end(), [&](const auto& x) { return same_token(x, token); });
  if (it != t.end()) {
    if (t.size() == 1) return;  // the last one stays: the viewer always shows something
    t.erase(it);
  } else {
    // The primary (first) token stays; the oldest extra one makes room.
    if (t.size() >= size_t(kMaxTokens)) t.erase(t.begin() + 1);
    t.push_back(token);
  }
  emitIf(Tokens);
}

void StudioSelection::setStep(int step) { setAxes(step, state_.block, state_.head); }
void StudioSelection::setBlock(int block) { setAxes(state_.step, block, state_.head); }
void StudioSelection::setHead(int head) { setAxes(state_.step, state_.block, head); }

void StudioSelection::setAxes(int step, int block, int head) {
  if (step == state_.step && block == state_.block && head == state_.head) return;
  state_.step = step;
  state_.block = block;
  state_.head = head;
  emitIf(Axes);
}

void StudioSelection::setFrame(int frame) {
  if (frame == state_.frame) return;
  state_.frame = frame;
  emitIf(Frame);
}

void StudioSelection::setLook(const render::Look& look) {
  state_.look = look;
  emitIf(Look);
}

void StudioSelection::reset(const ViewState& state) {
  const render::Look look = state_.look;
  state_ = state;
  state_.look = look;
  emitIf(Run | Tokens | Axes | Frame);
}

}  // namespace wanattn
