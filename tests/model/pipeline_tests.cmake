# `wanattn generate` end to end (docs/pipeline.md). Included from tests/CMakeLists.txt.
# Fixtures: tests/reference/pipeline_reference.py saves tiny random diffusers WanPipelines
# (with the text tests' tiny SentencePiece model) and their outputs.
if(NOT WANATTN_HAVE_TOKENIZER)
  return()
endif()
set(WANATTN_PIPELINE_FIXTURES ${CMAKE_CURRENT_BINARY_DIR}/pipeline_fixtures)
add_executable(wanattn_pipeline_tests model/test_pipeline.cpp)
target_link_libraries(wanattn_pipeline_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
target_compile_definitions(wanattn_pipeline_tests PRIVATE WANATTN_PIPELINE_FIXTURES="${WANATTN_PIPELINE_FIXTURES}")
wanattn_warnings(wanattn_pipeline_tests)
set(_pipeline_fixtures tiny_spm)
if(WANATTN_PYTHON)
  add_test(NAME pipeline_fixture_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/pipeline_reference.py
                   ${WANATTN_TEXT_FIXTURES}/tokenizer ${WANATTN_PIPELINE_FIXTURES})
  set_tests_properties(pipeline_fixture_reference PROPERTIES
    FIXTURES_SETUP pipeline_reference FIXTURES_REQUIRED tiny_spm SKIP_RETURN_CODE 77 LABELS "fast")
  # One name only: catch_discover_tests passes PROPERTIES through a script that splits lists,
  # so a second fixture would be lost. This one requires tiny_spm itself.
  set(_pipeline_fixtures pipeline_reference)
endif()
catch_discover_tests(wanattn_pipeline_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4
                     FIXTURES_REQUIRED "${_pipeline_fixtures}")

# The CLI on the same folder: a complete run that `wanattn info` describes, and Ctrl-C.
if(WANATTN_PYTHON)
  add_test(NAME generate_cli_run_and_interrupt
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/python/check_generate_cli.py
                   $<TARGET_FILE:wanattn> ${WANATTN_PIPELINE_FIXTURES}/unipc_cfg)
  set_tests_properties(generate_cli_run_and_interrupt PROPERTIES
    FIXTURES_REQUIRED "${_pipeline_fixtures}" SKIP_RETURN_CODE 77 LABELS "fast")
endif()

# `wanattn bench generate` runs its whole program on tiny random parts (the full-size run is
# the GPU benchmark, docs/benchmarks.md).
add_test(NAME bench_generate_tiny_runs
         COMMAND $<TARGET_FILE:wanattn> bench generate --tiny --device cpu --size 64x48 --frames 9 --steps 3
                 --warmup-steps 1 --dir ${CMAKE_CURRENT_BINARY_DIR}/bench_generate_tiny)
set_tests_properties(bench_generate_tiny_runs PROPERTIES LABELS "fast" PASS_REGULAR_EXPRESSION "run 0: 3 steps, 9 frames 64x48, 6 maps captured")
