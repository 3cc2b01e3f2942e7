#include "ui/view_state.h"

namespace wanattn {

render::MapSelection ViewState::selection(size_t i) const {
  render::MapSelection sel;
  if (i < tokens.size()) sel.token = tokens[i];
  if (step != kMean) sel.steps = {step};
  if (block != kMean) sel.blocks = {block};
  if (head != kMean) sel.heads = {head};
  return sel;
}

}  // namespace wanattn
