# Wan2.1 VAE decoder tests (docs/vae.md). Included from tests/CMakeLists.txt.
# Fixtures: tests/reference/vae_reference.py (diffusers AutoencoderKLWan, tiny random configs).
wanattn_reference_suite(TARGET wanattn_vae_tests SCRIPT vae_reference.py FIXTURE vae_reference
                        DIR ${CMAKE_CURRENT_BINARY_DIR}/vae_fixtures DEFINE WANATTN_VAE_FIXTURES
                        SOURCES model/test_vae.cpp)
