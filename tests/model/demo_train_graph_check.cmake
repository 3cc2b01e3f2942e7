# ctest demo_train_graph_gpu: the trainer's --graph path on a CUDA device, tiny: an update
# captured after two eager ones and replayed must give the same fp32 weights and the same
# loss / gradient-norm curve, bit for bit, as the same path never captured (the graph replays the very kernels the eager run launches).
# Skipped where there is no CUDA device. Arguments: -DTRAINER= -DDIR=
set(args --device cuda --seed 3 --steps 8 --batch 2 --vae-batch 1 --vae-every 2 --warmup 2 --log-every 4
         --size 64x64 --frames 9 --dim 32 --ffn 48 --heads 2 --layers 2 --text-dim 16 --text-layers 1
         --vae-base 4 --no-eval --graph --dtype fp32)
# Deterministic cuBLAS, as tools/train_demo.sh sets it.
set(ENV{CUBLAS_WORKSPACE_CONFIG} ":4096:8")
foreach(run graphed eager)
  if(run STREQUAL "graphed")
    set(eager_steps 2)
  else()
    set(eager_steps 1000000)
  endif()
  file(REMOVE_RECURSE ${DIR}/${run})
  execute_process(COMMAND ${TRAINER} --out ${DIR}/${run} ${args} --graph-eager-steps ${eager_steps}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out_${run} ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    if(err MATCHES "NVIDIA driver|no CUDA GPUs|CUDA driver|cudaGetDeviceCount")
      message(STATUS "no CUDA device here: skipped")
      return()
    endif()
    message(FATAL_ERROR "wanattn-train-demo --graph failed (${rc}):\n${out_${run}}\n${err}")
  endif()
  file(READ ${DIR}/${run}/eval.json summary)
  string(JSON digest_${run} GET "${summary}" weights_digest)
  # The curve without its seconds column: the losses and gradient norms read from the
  # graph's static outputs.
  file(STRINGS ${DIR}/${run}/curve.csv lines)
  set(curve_${run} "")
  foreach(line IN LISTS lines)
    string(REGEX MATCH "^([^,]*),[^,]*,(.*)$" line "${line}")
    set(line "${CMAKE_MATCH_1},${CMAKE_MATCH_2}")
    string(APPEND curve_${run} "${line}\n")
  endforeach()
endforeach()
if(NOT out_graphed MATCHES "training update captured as a CUDA graph")
  message(FATAL_ERROR "the update was not captured:\n${out_graphed}")
endif()
if(NOT digest_graphed STREQUAL digest_eager)
  message(FATAL_ERROR "replayed and eager updates gave different weights: ${digest_graphed} vs ${digest_eager}")
endif()
if(NOT curve_graphed STREQUAL curve_eager)
  message(FATAL_ERROR "replayed and eager updates logged different curves:\n${curve_graphed}\nvs\n${curve_eager}")
endif()
message(STATUS "graph replay = eager: weights digest ${digest_graphed}, same curve")
