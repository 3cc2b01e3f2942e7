# ctest demo_train_graph_gpu: the trainer's --graph path on a CUDA device, tiny: an update
# captured after two eager ones and replayed must give the same weights, bit for bit, as the
# same path never captured (the graph replays the very kernels the eager run launches).
# Skipped where there is no CUDA device. Arguments: -DTRAINER= -DDIR=
set(args --device cuda --seed 3 --steps 8 --batch 2 --vae-batch 1 --vae-every 2 --warmup 2 --log-every 4
         --size 64x64 --frames 9 --dim 32 --ffn 48 --heads 2 --layers 2 --text-dim 16 --text-layers 1
         --vae-base 4 --no-eval --graph)
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
endforeach()
if(NOT out_graphed MATCHES "training update captured as a CUDA graph")
  message(FATAL_ERROR "the update was not captured:\n${out_graphed}")
endif()
if(NOT digest_graphed STREQUAL digest_eager)
  message(FATAL_ERROR "replayed and eager updates gave different weights: ${digest_graphed} vs ${digest_eager}")
endif()
message(STATUS "graph replay = eager: weights digest ${digest_graphed}")
