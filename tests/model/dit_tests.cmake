# Wan2.1 DiT tests (docs/dit.md). Included from tests/CMakeLists.txt.
# Catch2 3 exits 4 when every test case in a run was skipped (WANATTN_SKIP): CTest counts it as skipped.
# Fixtures: tests/reference/dit_reference.py (diffusers WanTransformer3DModel, tiny random
# configs, every weight layout) writes them into the build tree before the tests run.
set(WANATTN_DIT_FIXTURES ${CMAKE_CURRENT_BINARY_DIR}/dit_fixtures)

add_executable(wanattn_dit_tests
  model/test_dit_parity.cpp
  model/test_dit_weights.cpp
  model/test_dit_capture.cpp
  model/test_dit_gpu.cpp
)
target_link_libraries(wanattn_dit_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
target_compile_definitions(wanattn_dit_tests PRIVATE WANATTN_DIT_FIXTURES="${WANATTN_DIT_FIXTURES}")
wanattn_warnings(wanattn_dit_tests)

set(_dit_fixtures "")
if(WANATTN_PYTHON)
  add_test(NAME dit_fixture_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/dit_reference.py ${WANATTN_DIT_FIXTURES})
  set_tests_properties(dit_fixture_reference PROPERTIES FIXTURES_SETUP dit_reference SKIP_RETURN_CODE 77 LABELS "fast")
  set(_dit_fixtures dit_reference)
endif()
catch_discover_tests(wanattn_dit_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 FIXTURES_REQUIRED "${_dit_fixtures}")
