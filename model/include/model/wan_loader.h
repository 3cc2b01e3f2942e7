// Builds a WanModel for a device and fills it from a checkpoint in any layout.
#pragma once
#include <string>

#include "model/wan_checkpoint.h"
#include "model/wan_model.h"
#include "model/weight_loader.h"

namespace wanattn {

WanModel load_wan_model(const WanCheckpoint& checkpoint, const ModuleOptions& options, LoadReport* report = nullptr);
WanModel load_wan_model(const std::string& path, at::Device device, LoadReport* report = nullptr);

}  // namespace wanattn
