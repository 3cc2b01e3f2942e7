#include "ui/model_probe.h"

#include <torch/cuda.h>

#include <QDir>
#include <QFileInfo>
#include <exception>

#include "core/capture_spec.h"
#include "core/run_writer.h"
#include "model/t5_tokenizer.h"
#include "model/wan_checkpoint.h"
#include "model/wan_model_folder.h"

namespace wanattn {

int ModelProbe::count_tokens(const QString& prompt, QString* error) const {
  if (!tokenizer) return -1;
  try {
    return tokenizer->encode(prompt.toStdString()).real_tokens();
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());  // malformed weight syntax, named
    return -1;
  }
}

ModelProbe probe_model_folder(const QString& dir) {
  ModelProbe p;
  if (dir.trimmed().isEmpty()) {
    p.problem = QObject::tr("Choose a Wan2.1 model folder (diffusers or official layout), or the demo model.");
    return p;
  }
  try {
    const WanModelFolder f = find_wan_model_folder(dir.toStdString());
    const WanCheckpoint ck = WanCheckpoint::open(f.parts.transformer);
    const WanConfig& c = ck.config();
    p.blocks = c.num_layers;
    p.heads = c.num_heads;
    p.patch_t = c.patch[0];
    p.patch_h = c.patch[1];
    p.patch_w = c.patch[2];
    p.full_size = c.variant == "1.3B" || c.variant == "14B";
    p.default_steps = f.defaults.steps;
    p.default_guidance = f.defaults.guidance;
    p.default_shift = f.defaults.shift;
    p.default_sampler = QString::fromStdString(f.defaults.sampler);
    p.own_size = f.defaults.own_size;
    p.default_width = f.defaults.width;
    p.default_height = f.defaults.height;
    p.default_frames = f.defaults.frames;
    p.example_prompt = QString::fromStdString(f.defaults.example_prompt);
    p.summary = QObject::tr("%1 folder · %2 DiT (%3 blocks, %4 heads, dim %5)")
                    .arg(f.diffusers ? QObject::tr("diffusers") : QObject::tr("official"))
                    .arg(QString::fromStdString(c.variant))
                    .arg(c.num_layers)
                    .arg(c.num_heads)
                    .arg(c.dim);
    p.tokenizer = std::make_shared<const T5Tokenizer>(T5Tokenizer::from_folder(f.parts.tokenizer));
    p.ok = true;
  } catch (const std::exception& e) {
    p.problem = QString::fromStdString(e.what());
  }
  return p;
}

bool cuda_available() { return torch::cuda::is_available(); }

QString describe_compute_device() {
  if (cuda_available()) return QObject::tr("CUDA GPU (%1 device(s))").arg(torch::cuda::device_count());
  return QObject::tr("no CUDA GPU: CPU only");
}

quint64 estimate_store_bytes(const ModelProbe& p, int steps, int frames, int width, int height, int tokens,
                             const QString& capture, QString* error) {
  if (!p.ok || tokens <= 0) return 0;
  try {
    const CaptureSpec spec = parse_capture_spec(capture.toStdString());
    RunManifest m;
    m.frames = frames;
    m.width = width;
    m.height = height;
    // The VAE compresses 4x in time (first frame alone) and 8x in space; the DiT patches on top.
    m.grid = {((frames - 1) / 4 + 1) / p.patch_t, height / 8 / p.patch_h, width / 8 / p.patch_w};
    m.capture = spec.enabled ? resolve_capture(spec, steps, p.blocks, p.heads, tokens) : CaptureSelection{};
    if (!spec.enabled) m.capture.tokens = tokens;
    return run_store_bytes(m);
  } catch (const std::exception& e) {
    if (error) *error = QString::fromStdString(e.what());
    return 0;
  }
}

quint64 free_bytes_at(const QString& path) {
  // The nearest existing parent: the run folder does not exist before the run.
  QFileInfo fi(path);
  QDir d = fi.exists() ? QDir(fi.absoluteFilePath()) : fi.absoluteDir();
  while (!d.exists() && !d.isRoot()) d = QDir(QFileInfo(d.absolutePath()).absolutePath());
  try {
    return free_disk_bytes(d.absolutePath().toStdString());
  } catch (const std::exception&) {
    return 0;
  }
}

}  // namespace wanattn
