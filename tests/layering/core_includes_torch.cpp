// Must NOT compile: core may not see libtorch.
#include <ATen/ATen.h>
int layering_violation() { return 0; }
