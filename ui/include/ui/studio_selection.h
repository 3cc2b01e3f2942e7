// StudioSelection: the one ViewState of the window and who changed what. Panels write it
// through the setters and redraw on `changed`; the flags say whether a map must be
// recomputed (tokens, axes, normalisation) or only a frame redrawn (frame, opacity).
// UI thread only.
#pragma once
#include <QObject>

#include "ui/view_state.h"

namespace wanattn {

class StudioSelection : public QObject {
  Q_OBJECT
 public:
  enum Change : int {
    Tokens = 1,  // the chosen tokens
    Axes = 2,    // step, block or head
    Frame = 4,   // the video frame
    Look = 8,    // colormap, normalisation, opacity, backdrop...
    Run = 16,    // another run (or a new snapshot of it): everything
  };
  static constexpr int kMaxTokens = 3;

  explicit StudioSelection(QObject* parent = nullptr) : QObject(parent) {}
  const ViewState& state() const { return state_; }

  void setTokens(std::vector<render::TokenSet> tokens);
  // Ctrl-click: adds the token, or removes it when already chosen; at most kMaxTokens
  // (the oldest extra one makes room). Never leaves the selection empty.
  void toggleToken(const render::TokenSet& token);
  void setStep(int step);
  void setBlock(int block);
  void setHead(int head);
  void setAxes(int step, int block, int head);  // one signal for a grid click
  void setFrame(int frame);
  void setLook(const render::Look& look);
  // A new run: keeps the look, resets the rest to `state` (validated by the caller).
  void reset(const ViewState& state);

 Q_SIGNALS:
  void changed(int what);  // Change flags

 private:
  void emitIf(int what);
  ViewState state_;
};

}  // namespace wanattn
