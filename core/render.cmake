# wanattn_render: the render/export part of core (docs/render.md). OpenCV and FFmpeg's
# libraries, never torch or Qt. Included from core/CMakeLists.txt when not WANATTN_GPU_ONLY.
add_library(wanattn_render STATIC
  src/render/render_error.cpp
  src/render/token_select.cpp
  src/render/map_select.cpp
  src/render/temporal.cpp
  src/render/normalize.cpp
  src/render/colormap.cpp
  src/render/look.cpp
  src/render/heatmap.cpp
  src/render/backdrops.cpp
  src/render/overlay.cpp
  src/render/text.cpp
  src/render/grid.cpp
  src/render/cell_batch.cpp
  src/render/views.cpp
  src/render/composite.cpp
  src/render/inverse_query.cpp
  src/render/output_file.cpp
  src/render/png_export.cpp
  src/render/mp4_writer.cpp
  src/render/video_export.cpp
  src/render/h5_export.cpp
)
add_library(wanattn::render ALIAS wanattn_render)
target_link_libraries(wanattn_render PUBLIC wanattn::core wanattn::opencv PRIVATE wanattn::ffmpeg fmt::fmt)
wanattn_warnings(wanattn_render)
