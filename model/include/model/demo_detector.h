// Finds the demo world's objects in decoded frames, to check what a model generated: every
// saturated pixel is given the nearest of the six colours by hue (backgrounds are grey),
// each colour's largest blob is an object, its shape comes from the harmonics of its outline
// (distance from the centroid by angle: a triangle has a strong 3rd harmonic, a square a 4th,
// a star a 5th, a circle none), and its motion from the track over the clip. Plain C++ on
// uint8 RGB frames; any thread.
#pragma once
#include <cstdint>
#include <optional>
#include <vector>

#include "model/demo_scene.h"

namespace wanattn::demo {

struct FrameObject {
  bool found = false;
  double area = 0;       // pixels
  double cx = 0, cy = 0;  // centroid, pixels
  Shape shape = Shape::Circle;
  double orientation = 0;  // radians, modulo the shape's symmetry (0 for a circle)
  double roundness = 0;    // strongest of harmonics 3-5 relative to the mean radius
  std::vector<uint8_t> mask;  // H * W, 1 inside the blob
};

struct TrackedObject {
  Colour colour = Colour::Red;
  Shape shape = Shape::Circle;       // the majority over the frames it was found in
  std::optional<Motion> motion;      // nothing: it does not clearly do any of the six
  int frames_found = 0;
  double dx = 0, dy = 0;             // centroid travel, fractions of the width / height
  double area_ratio = 1;             // area at the end / at the start
  double rotation_degrees = 0;       // accumulated turn (non-circles)
  std::vector<FrameObject> frames;   // one per frame
};

struct DetectorOptions {
  double min_chroma = 0.30;        // max(rgb) - min(rgb) of an object pixel (backgrounds < 0.1)
  double min_area_fraction = 0.002;  // a blob smaller than this share of the frame is noise
  double circle_below = 0.04;      // roundness under this: a circle
};

// frames: uint8 [F, H, W, 3], C order. Every colour found in at least half the frames.
std::vector<TrackedObject> detect_objects(const uint8_t* frames, int F, int H, int W, const DetectorOptions& options = {});
// One frame, one colour.
FrameObject detect_in_frame(const uint8_t* frame, int H, int W, Colour colour, const DetectorOptions& options = {});
// The object of `colour` among `objects`, or nullptr.
const TrackedObject* find_colour(const std::vector<TrackedObject>& objects, Colour colour);

}  // namespace wanattn::demo
