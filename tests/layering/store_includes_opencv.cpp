// Must NOT compile: the run store (wanattn_core) is built where there is no OpenCV; only
// wanattn_render may use it.
#include <opencv2/core.hpp>
int layering_violation() { return 0; }
