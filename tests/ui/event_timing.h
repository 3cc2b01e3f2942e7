// The [gui] tests' QApplication times every event it delivers on the UI thread (between
// start() and stop()): the longest single delivery is the longest the UI thread was busy in
// the studio's own code (a slot, a paint, a timer), unlike a watchdog timer's gaps, which
// also count the OS handing the core to other processes.
#pragma once
#include <QString>

namespace wanattn::test {

struct EventTiming {
  static void start();
  static void stop();
  static double longest_ms();
  static QString longest_what();  // receiver class and event type of the longest delivery
};

}  // namespace wanattn::test
