// File names inside a run directory (docs/store-format.md).
#pragma once

namespace wanattn::run_files {
inline constexpr const char* kManifest = "manifest.json";
inline constexpr const char* kAttention = "attention.npy";    // f16 [S, B, H, T, F, h, w]
inline constexpr const char* kProgress = "progress.npy";      // u8  [S, B]
inline constexpr const char* kPadding = "padding.npy";        // f16 [S, B, H, F, h, w]
inline constexpr const char* kHeadMean = "head_mean.npy";     // f16 [S, B, T, F, h, w]
inline constexpr const char* kTokenMean = "token_mean.npy";   // f32 [T, F, h, w]
inline constexpr const char* kFrames = "frames.npy";          // u8  [frames, H, W, 3]
inline constexpr const char* kPreviews = "previews.npy";      // u8  [steps, F', h', w', 3] (latent-size x0 previews)
inline constexpr const char* kLatents = "latents.npy";        // f32 [1, 16, F', h', w'] the sampler's final sample
inline constexpr const char* kReserve = ".space-reserve";     // freed on disk full (see RunWriter)
}  // namespace wanattn::run_files
