// Must NOT compile: core may not see Qt.
#include <QObject>
int layering_violation() { return 0; }
