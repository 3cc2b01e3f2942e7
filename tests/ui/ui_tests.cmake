# [gui] tests of the studio on Qt's offscreen platform (docs/studio.md). Included from
# tests/CMakeLists.txt when not WANATTN_GPU_ONLY, after the render tests (their fixture runs
# and MP4 decoder are reused).
add_executable(wanattn_ui_tests
  ui/ui_test_main.cpp
  ui/test_run_watcher.cpp
  ui/test_studio_viewer.cpp
  ui/test_studio_export.cpp
  ui/test_studio_generate.cpp
  ui/test_studio_bends.cpp
  ui/test_studio_demo.cpp
)
target_link_libraries(wanattn_ui_tests PRIVATE wanattn_render_test_support wanattn::ui Catch2::Catch2 Qt6::Test
                      ${HDF5_C_LIBRARIES})
target_include_directories(wanattn_ui_tests PRIVATE ${CMAKE_CURRENT_SOURCE_DIR})
target_include_directories(wanattn_ui_tests SYSTEM PRIVATE ${HDF5_INCLUDE_DIRS})
target_compile_definitions(wanattn_ui_tests PRIVATE WANATTN_PIPELINE_FIXTURES="${CMAKE_CURRENT_BINARY_DIR}/pipeline_fixtures")
wanattn_warnings(wanattn_ui_tests)
# The generation tests use the pipeline tests' tiny model folder; RUN_SERIAL keeps other
# tests off the cores while the UI watchdog measures.
set(_ui_props SKIP_RETURN_CODE 4 ENVIRONMENT "QT_QPA_PLATFORM=offscreen" RUN_SERIAL TRUE)
if(WANATTN_PYTHON AND WANATTN_HAVE_TOKENIZER)
  list(APPEND _ui_props FIXTURES_REQUIRED pipeline_reference)
endif()
catch_discover_tests(wanattn_ui_tests DISCOVERY_TIMEOUT 120 PROPERTIES ${_ui_props})
