# Text side of the model (docs/text-encoder.md): prompt weighting and cleaning, the umT5
# SentencePiece tokenizer, the UMT5 encoder, the embedding cache. Included from
# model/CMakeLists.txt.
find_package(PkgConfig REQUIRED)
# libsentencepiece (Debian/Ubuntu libsentencepiece-dev). A GPU-only build may lack it: then
# the tokenizer is left out (WANATTN_HAVE_TOKENIZER=0) and the encoder takes ids.
pkg_check_modules(SENTENCEPIECE IMPORTED_TARGET GLOBAL sentencepiece)
if(NOT SENTENCEPIECE_FOUND AND NOT WANATTN_GPU_ONLY)
  message(FATAL_ERROR "libsentencepiece not found (apt install libsentencepiece-dev)")
endif()
set(WANATTN_HAVE_TOKENIZER ${SENTENCEPIECE_FOUND} CACHE INTERNAL "")

target_sources(wanattn_model PRIVATE
  src/prompt_text.cpp
  src/prompt_weights.cpp
  src/html_unescape.cpp
  src/prompt_clean.cpp
)
if(SENTENCEPIECE_FOUND)
  target_sources(wanattn_model PRIVATE src/t5_tokenizer.cpp src/prompt_words.cpp)
  target_link_libraries(wanattn_model PRIVATE PkgConfig::SENTENCEPIECE)
  target_compile_definitions(wanattn_model PUBLIC WANATTN_HAVE_TOKENIZER=1)
else()
  message(STATUS "wanattn: libsentencepiece not found: building without the tokenizer")
  target_compile_definitions(wanattn_model PUBLIC WANATTN_HAVE_TOKENIZER=0)
endif()
