# Warnings for our own targets only (never applied to third-party headers).
function(wanattn_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wno-unused-parameter)
endfunction()
