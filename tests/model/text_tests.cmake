# Text-side tests (docs/text-encoder.md). Included from tests/CMakeLists.txt.
# Fixtures: the tiny SentencePiece model is trained by a helper, then the reference script
# (transformers / sentencepiece / diffusers' prompt_clean from the venv) writes expected ids.
set(WANATTN_TEXT_FIXTURES ${CMAKE_CURRENT_BINARY_DIR}/text_fixtures)

add_executable(wanattn_text_tests
  model/test_prompt_weights.cpp
  model/test_prompt_clean.cpp
)
if(WANATTN_HAVE_TOKENIZER)
  target_sources(wanattn_text_tests PRIVATE model/test_tokenizer.cpp)
  add_executable(wanattn_train_tiny_spm support/train_tiny_spm.cpp)
  target_link_libraries(wanattn_train_tiny_spm PRIVATE PkgConfig::SENTENCEPIECE)
  add_test(NAME text_fixture_tiny_spm COMMAND wanattn_train_tiny_spm ${WANATTN_TEXT_FIXTURES}/tokenizer)
  set_tests_properties(text_fixture_tiny_spm PROPERTIES FIXTURES_SETUP tiny_spm LABELS "fast")
endif()
target_link_libraries(wanattn_text_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
target_compile_definitions(wanattn_text_tests PRIVATE WANATTN_TEXT_FIXTURES="${WANATTN_TEXT_FIXTURES}")
wanattn_warnings(wanattn_text_tests)

set(_text_fixtures "")
if(WANATTN_HAVE_TOKENIZER)
  set(_text_fixtures tiny_spm)
endif()
if(WANATTN_PYTHON AND WANATTN_HAVE_TOKENIZER)
  add_test(NAME text_fixture_tokenizer_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/tokenizer_reference.py
                   ${WANATTN_TEXT_FIXTURES}/tokenizer)
  set_tests_properties(text_fixture_tokenizer_reference PROPERTIES
    FIXTURES_SETUP tokenizer_reference FIXTURES_REQUIRED tiny_spm SKIP_RETURN_CODE 77 LABELS "fast")
  # One name only (catch_discover_tests splits lists): tokenizer_reference requires tiny_spm.
  set(_text_fixtures tokenizer_reference)
endif()
catch_discover_tests(wanattn_text_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 FIXTURES_REQUIRED "${_text_fixtures}")

# UMT5 encoder: parity with transformers' UMT5EncoderModel on tiny random configs, in every
# weight layout (tests/reference/umt5_reference.py, which also runs tools/convert_pth.py).
add_executable(wanattn_umt5_tests
  model/test_umt5.cpp
  model/test_umt5_loader.cpp
  model/test_embedding_cache.cpp
)
target_link_libraries(wanattn_umt5_tests PRIVATE wanattn_test_main wanattn::model)
target_compile_definitions(wanattn_umt5_tests PRIVATE WANATTN_TEXT_FIXTURES="${WANATTN_TEXT_FIXTURES}")
wanattn_warnings(wanattn_umt5_tests)
set(_umt5_fixtures "")
if(WANATTN_PYTHON)
  add_test(NAME text_fixture_umt5_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/umt5_reference.py ${WANATTN_TEXT_FIXTURES}/umt5)
  set_tests_properties(text_fixture_umt5_reference PROPERTIES
    FIXTURES_SETUP umt5_reference SKIP_RETURN_CODE 77 LABELS "fast")
  if(WANATTN_HAVE_TOKENIZER)  # one name only for catch_discover_tests: umt5_reference brings tiny_spm
    set_tests_properties(text_fixture_umt5_reference PROPERTIES FIXTURES_REQUIRED tiny_spm)
  endif()
  set(_umt5_fixtures "umt5_reference")
elseif(WANATTN_HAVE_TOKENIZER)
  set(_umt5_fixtures tiny_spm)
endif()
catch_discover_tests(wanattn_umt5_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 FIXTURES_REQUIRED "${_umt5_fixtures}")

# `wanattn bench umt5` and its reference script draw the same random weights: checked here in
# fp32 on a tiny config (the full-size bf16 run is the GPU benchmark, docs/benchmarks.md).
if(WANATTN_PYTHON)
  set(_bench_out ${WANATTN_TEXT_FIXTURES}/bench_umt5_tiny.safetensors)
  add_test(NAME bench_umt5_tiny_matches_transformers
           COMMAND sh -c "$<TARGET_FILE:wanattn> bench umt5 --device cpu --tiny --runs 1 --warmup 0 --out ${_bench_out} && ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/umt5_bench.py ${_bench_out} --device cpu --runs 1 --warmup 0")
  set_tests_properties(bench_umt5_tiny_matches_transformers PROPERTIES SKIP_RETURN_CODE 77 LABELS "parity")
  # The bf16 numerics (norm statistics and softmax in fp32, the GELU formula in bf16, the
  # residual stream in bf16) on the CPU: the references' to within 1e-3 (bit for bit, measured).
  set(_bench_out16 ${WANATTN_TEXT_FIXTURES}/bench_umt5_tiny_bf16.safetensors)
  add_test(NAME bench_umt5_tiny_bf16_matches_transformers
           COMMAND sh -c "$<TARGET_FILE:wanattn> bench umt5 --device cpu --dtype bf16 --tiny --runs 1 --warmup 0 --out ${_bench_out16} && ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/umt5_bench.py ${_bench_out16} --device cpu --runs 1 --warmup 0 --bound 1e-3")
  set_tests_properties(bench_umt5_tiny_bf16_matches_transformers PROPERTIES SKIP_RETURN_CODE 77 LABELS "parity")
endif()
