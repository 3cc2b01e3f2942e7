# Locate libtorch. Order: a Torch_DIR / CMAKE_PREFIX_PATH the user gave (e.g. an unpacked
# libtorch zip), else the PyPI torch wheel of WANATTN_PYTHON (default: the project's .venv,
# then python3 on PATH), through torch.utils.cmake_prefix_path.
# WANATTN_PYTHON is also the interpreter of the Python checks (numpy, h5py) in tests/.
if(NOT WANATTN_PYTHON)
  if(EXISTS ${PROJECT_SOURCE_DIR}/.venv/bin/python)
    set(WANATTN_PYTHON ${PROJECT_SOURCE_DIR}/.venv/bin/python CACHE FILEPATH "Python with torch (and numpy, h5py for tests)")
  else()
    find_program(WANATTN_PYTHON NAMES python3 python)
  endif()
endif()
if(NOT Torch_DIR AND WANATTN_PYTHON)
  execute_process(
    COMMAND ${WANATTN_PYTHON} -c "import torch; print(torch.utils.cmake_prefix_path)"
    OUTPUT_VARIABLE _wanattn_torch_prefix OUTPUT_STRIP_TRAILING_WHITESPACE
    RESULT_VARIABLE _wanattn_torch_rc ERROR_QUIET)
  if(_wanattn_torch_rc EQUAL 0 AND _wanattn_torch_prefix)
    list(APPEND CMAKE_PREFIX_PATH ${_wanattn_torch_prefix})
  endif()
endif()
# Without an explicit list Torch's config compiles and runs a probe for the local GPU,
# which fails on machines with nvcc but no GPU (and under C++20). Our CUDA target is Hopper.
if(NOT DEFINED TORCH_CUDA_ARCH_LIST AND NOT DEFINED ENV{TORCH_CUDA_ARCH_LIST})
  set(TORCH_CUDA_ARCH_LIST "9.0")
endif()
find_package(Torch REQUIRED)
# Torch's config puts its flags in TORCH_CXX_FLAGS; its imported targets carry the rest.
message(STATUS "wanattn: libtorch ${Torch_VERSION} from ${Torch_DIR}")
