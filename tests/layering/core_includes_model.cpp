// Must NOT compile: core may not see the model layer (checked by a CTest with WILL_FAIL).
#include "model/torch_runtime.h"
int layering_violation() { return 0; }
