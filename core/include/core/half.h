// IEEE 754 binary16 <-> float conversion for the store's float16 maps.
// Uses the F16C instructions when the compiler targets them (x86-64 with -mf16c), else an
// exact bit-level conversion; both round to nearest even, so results are identical.
#pragma once
#include <cstddef>
#include <cstdint>

namespace wanattn {

float half_to_float(uint16_t h);
uint16_t float_to_half(float f);

// Bulk conversions (the hot loops of aggregates and rendering).
void halves_to_floats(const uint16_t* src, float* dst, size_t n);
void floats_to_halves(const float* src, uint16_t* dst, size_t n);
// dst[i] += src[i] for n halves, accumulating in float.
void accumulate_halves(const uint16_t* src, float* dst, size_t n);

}  // namespace wanattn
