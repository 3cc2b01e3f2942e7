# Text side of the model (docs/text-encoder.md): prompt weighting and cleaning, the umT5
# SentencePiece tokenizer, the UMT5 encoder, the embedding cache. Included from
# model/CMakeLists.txt.
# libsentencepiece (Debian/Ubuntu libsentencepiece-dev). A GPU-only build may lack it (or
# pkg-config): then the tokenizer is left out (WANATTN_HAVE_TOKENIZER=0) and the encoder
# takes ids.
find_package(PkgConfig)
if(PKG_CONFIG_FOUND)
  pkg_check_modules(SENTENCEPIECE IMPORTED_TARGET GLOBAL sentencepiece)
endif()
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

# The UMT5 encoder and its loading (uses the checkpoint reader and weight loader).
target_sources(wanattn_model PRIVATE
  src/umt5_config.cpp
  src/t5_layer_norm.cpp
  src/umt5_attention.cpp
  src/umt5_block.cpp
  src/umt5_encoder.cpp
  src/umt5_key_map.cpp
  src/umt5_loader.cpp
  src/embedding_cache.cpp
)
if(SENTENCEPIECE_FOUND)
  target_sources(wanattn_model PRIVATE src/prompt_encoder.cpp)
endif()
