// Helpers for the [gui] tests: run the event loop until something happens, measure how
// long the UI thread was ever unresponsive, and give every test its own QSettings file.
#pragma once
#include <QCoreApplication>
#include <QElapsedTimer>
#include <QObject>
#include <QSettings>
#include <QTimer>
#include <algorithm>
#include <string>

namespace wanattn::test {

// Runs the event loop until `done()` or the timeout; returns done().
template <class F>
bool process_until(F done, int timeout_ms = 10000) {
  QElapsedTimer t;
  t.start();
  while (!done() && t.elapsed() < timeout_ms) QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
  return done();
}

// A timer on the UI thread that should fire every `interval_ms`: the largest gap between
// two firings is the longest the UI thread was blocked (plus the interval).
class UiWatchdog : public QObject {
 public:
  explicit UiWatchdog(int interval_ms = 5) {
    timer_.setInterval(interval_ms);
    timer_.setTimerType(Qt::PreciseTimer);
    QObject::connect(&timer_, &QTimer::timeout, this, [this] {
      const double ms = double(clock_.nsecsElapsed()) / 1e6;
      max_gap_ms_ = std::max(max_gap_ms_, ms - last_ms_);
      last_ms_ = ms;
      ++ticks_;
    });
    clock_.start();
    timer_.start();
  }
  double max_gap_ms() const { return max_gap_ms_; }
  int ticks() const { return ticks_; }

 private:
  QTimer timer_;
  QElapsedTimer clock_;
  double last_ms_ = 0, max_gap_ms_ = 0;
  int ticks_ = 0;
};

// Settings in a file of the test's own, so tests never read a user's layout or runs.
inline void isolate_settings(const std::string& dir) {
  QSettings::setDefaultFormat(QSettings::IniFormat);
  QSettings::setPath(QSettings::IniFormat, QSettings::UserScope, QString::fromStdString(dir));
  QCoreApplication::setOrganizationName(QStringLiteral("wanattn-tests"));
  QCoreApplication::setApplicationName(QStringLiteral("studio"));
  QSettings().clear();
}

}  // namespace wanattn::test
