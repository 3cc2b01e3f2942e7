# The built-in demo model (docs/demo-model.md). Included from tests/CMakeLists.txt.
#   wanattn_demo_tests: the world (grammar, sampler, tokenizer, renderer, encoder, detector),
#     training (gradients, AdamW, the folder writer round trip) and, with the renderer, the
#     shipped model end to end (skipped until resources/demo holds one).
#   demo_train_tiny_cpu: the training program itself, tiny, twice: same weights, and the
#     folder it writes generates with `wanattn generate`.
#   demo_train_graph_gpu: the --graph update (a CUDA graph) gives the eager path's weights
#     bit for bit (skipped without a CUDA device).
add_executable(wanattn_demo_tests model/test_demo_world.cpp model/test_demo_training.cpp)
target_link_libraries(wanattn_demo_tests PRIVATE wanattn_test_main wanattn_test_support wanattn::model)
if(TARGET wanattn::render AND WANATTN_HAVE_TOKENIZER)
  target_sources(wanattn_demo_tests PRIVATE model/test_demo_model.cpp)
  target_link_libraries(wanattn_demo_tests PRIVATE wanattn::render)
endif()
wanattn_warnings(wanattn_demo_tests)
# One thread each: ctest runs tests side by side, and libtorch's OpenMP threads spinning on a
# busy machine slow these many small operations down 50-fold (docs/demo-model.md).
catch_discover_tests(wanattn_demo_tests DISCOVERY_TIMEOUT 120 PROPERTIES SKIP_RETURN_CODE 4 ENVIRONMENT "OMP_NUM_THREADS=1")

if(TARGET wanattn-train-demo)
  add_test(NAME demo_train_tiny_cpu
           COMMAND ${CMAKE_COMMAND} -DTRAINER=$<TARGET_FILE:wanattn-train-demo> -DWANATTN=$<TARGET_FILE:wanattn>
                   -DDIR=${CMAKE_CURRENT_BINARY_DIR}/demo_train_tiny -P ${CMAKE_CURRENT_SOURCE_DIR}/model/demo_train_check.cmake)
  set_tests_properties(demo_train_tiny_cpu PROPERTIES LABELS "fast" ENVIRONMENT "OMP_NUM_THREADS=1")
  add_test(NAME demo_train_stages_cpu
           COMMAND ${CMAKE_COMMAND} -DTRAINER=$<TARGET_FILE:wanattn-train-demo>
                   -DDIR=${CMAKE_CURRENT_BINARY_DIR}/demo_train_stages -P ${CMAKE_CURRENT_SOURCE_DIR}/model/demo_train_stages_check.cmake)
  set_tests_properties(demo_train_stages_cpu PROPERTIES ENVIRONMENT "OMP_NUM_THREADS=1")
  add_test(NAME demo_train_graph_gpu
           COMMAND ${CMAKE_COMMAND} -DTRAINER=$<TARGET_FILE:wanattn-train-demo>
                   -DDIR=${CMAKE_CURRENT_BINARY_DIR}/demo_train_graph -P ${CMAKE_CURRENT_SOURCE_DIR}/model/demo_train_graph_check.cmake)
  set_tests_properties(demo_train_graph_gpu PROPERTIES LABELS "gpu" SKIP_REGULAR_EXPRESSION "no CUDA device here: skipped")
endif()
