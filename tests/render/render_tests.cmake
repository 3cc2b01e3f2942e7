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
