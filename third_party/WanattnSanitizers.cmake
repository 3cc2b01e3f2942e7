# ASan + UBSan for the whole build when WANATTN_SANITIZE is on (see the "asan" preset).
if(WANATTN_SANITIZE)
  add_compile_options(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  add_link_options(-fsanitize=address,undefined)
endif()
