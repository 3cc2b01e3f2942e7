# Flow-matching sampler tests. Included from tests/CMakeLists.txt.
wanattn_reference_suite(TARGET wanattn_sampler_tests SCRIPT sampler_reference.py FIXTURE sampler_reference
                        DIR ${CMAKE_CURRENT_BINARY_DIR}/sampler_fixtures DEFINE WANATTN_SAMPLER_FIXTURES
                        SOURCES model/test_samplers.cpp)
