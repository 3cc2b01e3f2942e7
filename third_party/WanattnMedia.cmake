# OpenCV (core, imgproc, imgcodecs) and FFmpeg's libraries (libavformat, libavcodec,
# libavutil, libswscale) for the render/export layer (core/render). Imported targets:
#   wanattn::opencv   wanattn::ffmpeg
# Debian ships OpenCVConfig.cmake only in the libopencv-dev meta-package, which pulls in
# VTK and friends; we install the three -dev packages we use and locate them directly when
# no config package is found.
if(TARGET wanattn::opencv)
  return()
endif()

find_package(OpenCV QUIET COMPONENTS core imgproc imgcodecs)
add_library(wanattn::opencv INTERFACE IMPORTED GLOBAL)
if(OpenCV_FOUND)
  target_include_directories(wanattn::opencv SYSTEM INTERFACE ${OpenCV_INCLUDE_DIRS})
  target_link_libraries(wanattn::opencv INTERFACE ${OpenCV_LIBS})
  set(_wanattn_opencv_where "${OpenCV_DIR}")
else()
  find_path(WANATTN_OPENCV_INCLUDE opencv2/core.hpp PATH_SUFFIXES opencv4)
  set(_wanattn_opencv_libs "")
  foreach(m core imgproc imgcodecs)
    find_library(WANATTN_OPENCV_${m} NAMES opencv_${m})
    if(NOT WANATTN_OPENCV_${m} OR NOT WANATTN_OPENCV_INCLUDE)
      message(FATAL_ERROR "wanattn: OpenCV ${m} not found (install libopencv-${m}-dev, "
                          "or configure with -DWANATTN_GPU_ONLY=ON to build without rendering)")
    endif()
    list(APPEND _wanattn_opencv_libs ${WANATTN_OPENCV_${m}})
  endforeach()
  target_include_directories(wanattn::opencv SYSTEM INTERFACE ${WANATTN_OPENCV_INCLUDE})
  target_link_libraries(wanattn::opencv INTERFACE ${_wanattn_opencv_libs})
  set(_wanattn_opencv_where "${WANATTN_OPENCV_INCLUDE}")
endif()

find_package(PkgConfig REQUIRED)
pkg_check_modules(WANATTN_FFMPEG REQUIRED IMPORTED_TARGET GLOBAL libavformat libavcodec libavutil libswscale)
add_library(wanattn::ffmpeg ALIAS PkgConfig::WANATTN_FFMPEG)
message(STATUS "wanattn: OpenCV from ${_wanattn_opencv_where}; FFmpeg libavcodec ${WANATTN_FFMPEG_libavcodec_VERSION}")
