# Warnings for our own targets only (never applied to third-party headers). C++ sources
# only: nvcc takes host-compiler warnings another way, and torch's headers are noisy there.
function(wanattn_warnings target)
  target_compile_options(${target} PRIVATE $<$<COMPILE_LANGUAGE:CXX>:-Wall -Wextra -Wno-unused-parameter>)
endfunction()
