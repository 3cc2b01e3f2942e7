# The built-in demo model (docs/demo-model.md): its world (scenes, captions, rendering), the
# fixed latent encoder, the detector the tests judge generated videos with, the training
# helpers (initialisation, AdamW, folder writer) and where the shipped folder lives.
# Included from model/CMakeLists.txt.
target_sources(wanattn_model PRIVATE
  src/demo_scene.cpp
  src/demo_render.cpp
  src/demo_latent_encoder.cpp
  src/demo_detector.cpp
  src/demo_model.cpp
  src/wan_train_init.cpp
  src/wan_block_growth.cpp
  src/adamw.cpp
  src/wan_folder_writer.cpp
  src/wan_vae_sequence.cpp
)
# builtin_model_dir(): resources/demo of this source tree (or $WANATTN_DEMO_MODEL).
set_source_files_properties(src/demo_model.cpp PROPERTIES COMPILE_DEFINITIONS "WANATTN_SOURCE_DIR=\"${PROJECT_SOURCE_DIR}\"")
if(WANATTN_HAVE_TOKENIZER)
  target_sources(wanattn_model PRIVATE src/demo_tokenizer.cpp)
endif()
