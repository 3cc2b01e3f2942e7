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
if(WANATTN_PYTHON AND WANATTN_HAVE_TOKENIZER)
  add_test(NAME text_fixture_tokenizer_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/tokenizer_reference.py
                   ${WANATTN_TEXT_FIXTURES}/tokenizer)
  set_tests_properties(text_fixture_tokenizer_reference PROPERTIES
    FIXTURES_SETUP tokenizer_reference FIXTURES_REQUIRED tiny_spm SKIP_RETURN_CODE 77 LABELS "fast")
  set(_text_fixtures "tiny_spm;tokenizer_reference")
endif()
catch_discover_tests(wanattn_text_tests DISCOVERY_TIMEOUT 120 PROPERTIES FIXTURES_REQUIRED "${_text_fixtures}")
