# Wan2.1 DiT tests (docs/dit.md). Included from tests/CMakeLists.txt.
# Fixtures: tests/reference/dit_reference.py (diffusers WanTransformer3DModel, tiny random
# configs, every weight layout).
wanattn_reference_suite(TARGET wanattn_dit_tests SCRIPT dit_reference.py FIXTURE dit_reference
                        DIR ${CMAKE_CURRENT_BINARY_DIR}/dit_fixtures DEFINE WANATTN_DIT_FIXTURES
                        SOURCES model/test_dit_parity.cpp model/test_dit_weights.cpp model/test_dit_capture.cpp
                                model/test_dit_gpu.cpp)
