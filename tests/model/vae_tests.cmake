# Wan2.1 VAE decoder tests. Included from tests/CMakeLists.txt.
# Fixtures: tests/reference/vae_reference.py (diffusers AutoencoderKLWan, tiny random configs).
set(WANATTN_VAE_FIXTURES ${CMAKE_CURRENT_BINARY_DIR}/vae_fixtures)
add_executable(wanattn_vae_tests model/test_vae.cpp)
target_link_libraries(wanattn_vae_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
target_compile_definitions(wanattn_vae_tests PRIVATE WANATTN_VAE_FIXTURES="${WANATTN_VAE_FIXTURES}")
wanattn_warnings(wanattn_vae_tests)
set(_vae_fixtures "")
if(WANATTN_PYTHON)
  add_test(NAME vae_fixture_reference
           COMMAND ${WANATTN_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/reference/vae_reference.py ${WANATTN_VAE_FIXTURES})
  set_tests_properties(vae_fixture_reference PROPERTIES FIXTURES_SETUP vae_reference SKIP_RETURN_CODE 77 LABELS "fast")
  set(_vae_fixtures vae_reference)
endif()
catch_discover_tests(wanattn_vae_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 FIXTURES_REQUIRED "${_vae_fixtures}")
