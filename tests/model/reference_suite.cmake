# A Catch2 test program whose fixtures a tests/reference/ script writes into the build tree
# first (CTest FIXTURES_SETUP). The script exits 77 (skip) when its Python packages are
# missing; Catch2 3 exits 4 when every case of a run was skipped (WANATTN_SKIP): CTest counts
# both as skipped. The fixture folder reaches the tests as the macro `DEFINE`.
#   wanattn_reference_suite(TARGET t SCRIPT s.py FIXTURE name DIR path DEFINE MACRO SOURCES a.cpp ...)
function(wanattn_reference_suite)
  cmake_parse_arguments(S "" "TARGET;SCRIPT;FIXTURE;DIR;DEFINE" "SOURCES" ${ARGN})
  add_executable(${S_TARGET} ${S_SOURCES})
  target_link_libraries(${S_TARGET} PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
  target_compile_definitions(${S_TARGET} PRIVATE ${S_DEFINE}="${S_DIR}")
  wanattn_warnings(${S_TARGET})
  set(_required "")
  if(WANATTN_PYTHON)
    add_test(NAME ${S_FIXTURE}_fixture COMMAND ${WANATTN_PYTHON} ${PROJECT_SOURCE_DIR}/tests/reference/${S_SCRIPT} ${S_DIR})
    set_tests_properties(${S_FIXTURE}_fixture PROPERTIES FIXTURES_SETUP ${S_FIXTURE} SKIP_RETURN_CODE 77 LABELS "fast")
    set(_required ${S_FIXTURE})
  endif()
  catch_discover_tests(${S_TARGET} DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 FIXTURES_REQUIRED "${_required}")
endfunction()
