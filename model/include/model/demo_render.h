// Draws demo scenes (demo_scene.h) into video clips with plain tensor ops, on any device:
// the training program renders every batch on the GPU as it goes, the tests on the CPU.
// Each shape is a signed distance in pixels (exact along the edges, from a polar fold for
// the polygons and the star), turned into coverage over one pixel (anti-aliased edges), and
// composited in object order over the background; with Scene::shading the object's colour
// darkens towards its edge by the same distance. Deterministic: no randomness here.
#pragma once
#include <ATen/ATen.h>

#include <vector>

#include "model/demo_scene.h"

namespace wanattn::demo {

// [B, 3, frames, height, width] fp32 in [-1, 1] (Wan's video range) on `device`. With
// frame_step s > 1 only frames 0, s, 2s, ... are drawn ((frames - 1) % s == 0): the training
// program draws the even frames, all the fixed encoder reads (encode_latents_of_even_frames).
at::Tensor render_clips(const std::vector<Scene>& scenes, int frames, int height, int width, at::Device device,
                        int frame_step = 1);

// The same as uint8 frames [frames, height, width, 3] of one scene (what the pipeline's
// decoded video looks like), on the CPU.
at::Tensor render_frames_u8(const Scene& scene, int frames, int height, int width);

}  // namespace wanattn::demo
