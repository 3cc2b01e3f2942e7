# Render/export tests (docs/render.md). Included from tests/CMakeLists.txt when not
# WANATTN_GPU_ONLY: they need OpenCV and FFmpeg (MP4s are decoded back with libavcodec).
add_library(wanattn_render_test_support STATIC render/render_fixture.cpp render/decode_mp4.cpp)
target_link_libraries(wanattn_render_test_support PUBLIC wanattn_test_support wanattn::render PRIVATE wanattn::ffmpeg)

add_executable(wanattn_render_tests
  render/test_map_select.cpp
  render/test_heatmap.cpp
  render/test_views.cpp
  render/test_mp4.cpp
  render/test_h5.cpp
)
target_link_libraries(wanattn_render_tests PRIVATE wanattn_test_main wanattn_render_test_support wanattn::render
                      ${HDF5_C_LIBRARIES})
target_include_directories(wanattn_render_tests SYSTEM PRIVATE ${HDF5_INCLUDE_DIRS})
wanattn_warnings(wanattn_render_tests)
catch_discover_tests(wanattn_render_tests DISCOVERY_TIMEOUT 60)

# Writes the docs' demo run (docs/render.md renders its pictures from it).
add_executable(wanattn_make_render_run render/make_render_run.cpp)
target_link_libraries(wanattn_make_render_run PRIVATE wanattn_render_test_support)

# Layering: the store half of core (wanattn_core, built on the GPU machine) must not see OpenCV.
wanattn_layering_probe(layering_store_cannot_include_opencv layering/store_includes_opencv.cpp wanattn::core)
wanattn_layering_probe(layering_render_cannot_include_torch layering/core_includes_torch.cpp wanattn::render)
wanattn_layering_probe(layering_render_cannot_include_qt layering/core_includes_qt.cpp wanattn::render)

# The CLI on a synthetic run: every view to PNG, every MP4 kind, HDF5, and the errors a
# person meets (unknown token, a step that was not captured, a partial run).
set(_rcli ${CMAKE_CURRENT_BINARY_DIR}/render_cli)
add_test(NAME render_cli_setup COMMAND wanattn_make_render_run ${_rcli}/run)
add_test(NAME render_cli_setup_partial COMMAND wanattn_make_render_run ${_rcli}/partial --partial)
add_test(NAME render_cli_setup_out COMMAND ${CMAKE_COMMAND} -E make_directory ${_rcli}/out)
set_tests_properties(render_cli_setup render_cli_setup_partial render_cli_setup_out PROPERTIES
  FIXTURES_SETUP render_cli LABELS "fast")
function(wanattn_render_cli name)
  add_test(NAME render_cli_${name} COMMAND wanattn ${ARGN})
  set_tests_properties(render_cli_${name} PROPERTIES FIXTURES_REQUIRED render_cli LABELS "fast")
endfunction()
foreach(view overlay blocks steps heads mean)
  wanattn_render_cli(view_${view} render ${_rcli}/run --token circle --view ${view} --block 2 -o ${_rcli}/out/${view}.png)
endforeach()
wanattn_render_cli(view_tokens render ${_rcli}/run --token a,circle,moves --view tokens -o ${_rcli}/out/tokens.png)
wanattn_render_cli(view_composite render ${_rcli}/run --token a,circle,moves --view composite -o ${_rcli}/out/composite.png)
wanattn_render_cli(query render ${_rcli}/run --view query --pixel 40,30)
set_tests_properties(render_cli_query PROPERTIES PASS_REGULAR_EXPRESSION "1\\. ")
foreach(kind video overlay evolution)
  wanattn_render_cli(mp4_${kind} export ${_rcli}/run --mp4 ${kind} --token circle -o ${_rcli}/out/${kind}.mp4)
endforeach()
wanattn_render_cli(h5 export ${_rcli}/run --h5 --token circle -o ${_rcli}/out/maps.h5)
wanattn_render_cli(unknown_token render ${_rcli}/run --token kiss -o ${_rcli}/out/x.png)
set_tests_properties(render_cli_unknown_token PROPERTIES PASS_REGULAR_EXPRESSION "unknown token 'kiss'.*circle")
wanattn_render_cli(step_not_captured render ${_rcli}/run --token circle --step 3 -o ${_rcli}/out/x.png)
set_tests_properties(render_cli_step_not_captured PROPERTIES PASS_REGULAR_EXPRESSION "step 3 was not captured")
wanattn_render_cli(partial render ${_rcli}/partial --token circle --view blocks --step 0,2,4 -o ${_rcli}/out/partial.png)
set_tests_properties(render_cli_partial PROPERTIES PASS_REGULAR_EXPRESSION "is partial.*left out: step 4 block 0")
wanattn_render_cli(unwritable render ${_rcli}/run --token circle -o ${_rcli}/no-such-dir/x.png)
set_tests_properties(render_cli_unwritable PROPERTIES PASS_REGULAR_EXPRESSION "no-such-dir' does not exist")
