#include "model/wan_loader.h"

namespace wanattn {

WanModel load_wan_model(const WanCheckpoint& ckpt, const ModuleOptions& options, LoadReport* report) {
  WanModel model(ckpt.config(), options);
  LoadReport r = load_weights(
      *model, ckpt.checkpoint(), [&ckpt](const std::string& key) { return ckpt.to_official(key); }, "Wan2.1 DiT",
      [&ckpt](const std::string& name) { return ckpt.from_official(name); });
  if (report) *report = r;
  return model;
}

WanModel load_wan_model(const std::string& path, at::Device device, LoadReport* report) {
  return load_wan_model(WanCheckpoint::open(path), default_module_options(device), report);
}

}  // namespace wanattn
