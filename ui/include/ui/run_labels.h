// How the studio names a run's axes in selectors and captions: model indices (what the
// papers and the CLI use), not store indices, and the sampler's timestep where known.
#pragma once
#include <QString>
#include <QStringList>

#include "core/manifest.h"

namespace wanattn {

QString step_label(const RunManifest& m, int store_step);   // "step 12 · t 700"
QString block_label(const RunManifest& m, int store_block); // "block 15"
QString head_label(const RunManifest& m, int head);         // "head 3" ("mean of 12 heads" when stored as the mean)
// "mean" first, then one entry per stored index; item data = store index or kMean.
QStringList step_labels(const RunManifest& m);
QStringList block_labels(const RunManifest& m);
QStringList head_labels(const RunManifest& m);
int video_fps(const RunManifest& m);  // the run's frame rate (Wan2.1: 16)

}  // namespace wanattn
