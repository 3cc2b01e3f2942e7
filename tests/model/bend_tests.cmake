# Network bending (docs/bending.md). Included from tests/CMakeLists.txt, after the pipeline
# and render tests (their fixtures and helpers are used here).
add_executable(wanattn_bend_tests
  model/test_bend_json.cpp
  model/test_bend_ops.cpp
  model/test_bend_model.cpp
  model/test_bend_gpu.cpp)
target_link_libraries(wanattn_bend_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
wanattn_warnings(wanattn_bend_tests)
catch_discover_tests(wanattn_bend_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4)

# `bench bend` runs its whole program (forward costs and the live loop) on a tiny model.
if(WANATTN_HAVE_TOKENIZER)
  add_test(NAME bench_bend_tiny_runs
           COMMAND $<TARGET_FILE:wanattn> bench bend --tiny --device cpu --frames 5 --height 64 --width 48 --runs 2
                   --warmup 1 --live --live-steps 4 --live-runs 1)
  set_tests_properties(bench_bend_tiny_runs PROPERTIES LABELS "fast"
                       PASS_REGULAR_EXPRESSION "ffn: scale 160 neurons.*slider -> first preview with the change: median")
endif()

# Through the pipeline, on the tiny diffusers folders of the pipeline fixtures.
if(NOT WANATTN_HAVE_TOKENIZER)
  return()
endif()
set(_bend_pipeline_sources model/test_bend_pipeline.cpp)
if(TARGET wanattn_render_test_support AND TARGET wanattn::render)
  list(APPEND _bend_pipeline_sources model/test_bend_sweep.cpp)
endif()
add_executable(wanattn_bend_pipeline_tests ${_bend_pipeline_sources})
target_link_libraries(wanattn_bend_pipeline_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
if(TARGET wanattn_render_test_support AND TARGET wanattn::render)
  target_link_libraries(wanattn_bend_pipeline_tests PRIVATE wanattn_render_test_support)
  add_dependencies(wanattn_bend_pipeline_tests wanattn)  # the sweep test runs the CLI
endif()
target_compile_definitions(wanattn_bend_pipeline_tests PRIVATE WANATTN_PIPELINE_FIXTURES="${WANATTN_PIPELINE_FIXTURES}"
                           WANATTN_BIN="$<TARGET_FILE:wanattn>")
wanattn_warnings(wanattn_bend_pipeline_tests)
catch_discover_tests(wanattn_bend_pipeline_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4
                     FIXTURES_REQUIRED "${_pipeline_fixtures}")

# The CLI: generate --bends, info shows them, generate --from-manifest re-makes the run
# byte for byte (latents and frames).
set(_bcli ${CMAKE_CURRENT_BINARY_DIR}/bend_cli)
set(_bfix ${WANATTN_PIPELINE_FIXTURES}/unipc_cfg)
add_test(NAME bend_cli_clean COMMAND ${CMAKE_COMMAND} -E rm -rf ${_bcli}/first ${_bcli}/again)
set_tests_properties(bend_cli_clean PROPERTIES FIXTURES_SETUP bend_cli_clean LABELS "fast")
add_test(NAME bend_cli_generate
         COMMAND $<TARGET_FILE:wanattn> generate --model ${_bfix}/model --prompt "A (cat:1.5) dances in the rain, cinematic."
                 --negative "blurry, static" --seed 7 --steps 4 --guidance 5 --size 48x32 --frames 9 --device cpu
                 --noise-device cpu --no-cache --no-mp4 --bends ${CMAKE_CURRENT_SOURCE_DIR}/model/bend_cli_bends.json
                 --out ${_bcli}/first)
add_test(NAME bend_cli_info COMMAND $<TARGET_FILE:wanattn> info ${_bcli}/first)
add_test(NAME bend_cli_rerun
         COMMAND $<TARGET_FILE:wanattn> generate --from-manifest ${_bcli}/first/manifest.json --no-cache --no-mp4
                 --out ${_bcli}/again)
add_test(NAME bend_cli_same_latents COMMAND ${CMAKE_COMMAND} -E compare_files ${_bcli}/first/latents.npy ${_bcli}/again/latents.npy)
add_test(NAME bend_cli_same_frames COMMAND ${CMAKE_COMMAND} -E compare_files ${_bcli}/first/frames.npy ${_bcli}/again/frames.npy)
set_tests_properties(bend_cli_generate PROPERTIES FIXTURES_REQUIRED "${_pipeline_fixtures};bend_cli_clean"
                     FIXTURES_SETUP bend_cli_first LABELS "fast")
set_tests_properties(bend_cli_info PROPERTIES FIXTURES_REQUIRED bend_cli_first LABELS "fast"
                     PASS_REGULAR_EXPRESSION "bends      from step 0 \\(version 1\\): 2 bend\\(s\\); stored maps are after them.*rotate\\(degrees=30, padding=border\\) on cross_attention tokens 1")
set_tests_properties(bend_cli_rerun PROPERTIES FIXTURES_REQUIRED bend_cli_first FIXTURES_SETUP bend_cli_again LABELS "fast"
                     PASS_REGULAR_EXPRESSION "re-making the run of")
set_tests_properties(bend_cli_same_latents bend_cli_same_frames PROPERTIES FIXTURES_REQUIRED bend_cli_again LABELS "fast")
