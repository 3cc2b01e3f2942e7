// Where the studio finds what it ships: the built-in demo model (resources/demo),
// looked up next to the program (installed or in the build tree) and in the source tree
// it was built from; WANATTN_DEMO_MODEL overrides.
#pragma once
#include <QString>

namespace wanattn {

QString demo_model_dir();  // "" when there is none

}  // namespace wanattn
