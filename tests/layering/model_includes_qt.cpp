// Must NOT compile: model may not see Qt.
#include <QObject>
int layering_violation() { return 0; }
