// main() of the [gui] tests: a QApplication (offscreen platform unless told otherwise) that
// can time its event deliveries (event_timing.h), around the Catch2 session.
#include <QApplication>
#include <QElapsedTimer>
#include <QEvent>
#include <QThread>

#include "ui/event_timing.h"

#if __has_include(<catch2/catch_session.hpp>)
#include <catch2/catch_session.hpp>
#else
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>
#endif

namespace {
bool g_timing = false;
int g_depth = 0;
qint64 g_longest_ns = 0;
QString g_longest_what;

class TimedApplication : public QApplication {
 public:
  using QApplication::QApplication;
  bool notify(QObject* receiver, QEvent* event) override {
    // Only the UI thread's deliveries (notify also runs for the worker threads' events).
    if (!g_timing || g_depth > 0 || QThread::currentThread() != thread()) return QApplication::notify(receiver, event);
    ++g_depth;  // only the outermost delivery counts: nested ones are part of it
    QElapsedTimer t;
    t.start();
    const int type = event->type();
    const bool r = QApplication::notify(receiver, event);
    const qint64 ns = t.nsecsElapsed();
    --g_depth;
    if (ns > g_longest_ns) {
      g_longest_ns = ns;
      g_longest_what = QStringLiteral("%1 (event %2)").arg(receiver ? receiver->metaObject()->className() : "?").arg(type);
    }
    return r;
  }
};
}  // namespace

namespace wanattn::test {
void EventTiming::start() {
  g_longest_ns = 0;
  g_longest_what.clear();
  g_timing = true;
}
void EventTiming::stop() { g_timing = false; }
double EventTiming::longest_ms() { return double(g_longest_ns) / 1e6; }
QString EventTiming::longest_what() { return g_longest_what; }
}  // namespace wanattn::test

int main(int argc, char** argv) {
  if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
  TimedApplication app(argc, argv);
  return Catch::Session().run(argc, argv);
}
