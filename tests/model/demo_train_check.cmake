# ctest demo_train_tiny_cpu: wanattn-train-demo end to end at a tiny size on the CPU (every
# phase: tokenizer, latent statistics, training, export, evaluation through the pipeline),
# twice with one seed: the exported weights must be bit-identical; then `wanattn generate`
# runs on the folder it wrote. Arguments: -DTRAINER= -DWANATTN= -DDIR=
set(args --device cpu --seed 3 --steps 6 --batch 2 --vae-batch 1 --vae-every 2 --warmup 2 --log-every 3
         --size 64x64 --frames 9 --dim 32 --ffn 48 --heads 2 --layers 2 --text-dim 16 --text-layers 1
         --vae-base 4 --eval-steps 2)
foreach(run a b)
  file(REMOVE_RECURSE ${DIR}/${run})
  execute_process(COMMAND ${TRAINER} --out ${DIR}/${run} ${args} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "wanattn-train-demo failed (${rc}):\n${out}\n${err}")
  endif()
  file(READ ${DIR}/${run}/eval.json summary)
  string(JSON digest_${run} GET "${summary}" weights_digest)
  string(JSON prompts GET "${summary}" eval prompts)
  foreach(f model/model_index.json model/transformer/diffusion_pytorch_model.safetensors model/tokenizer/spiece.model
            model/wanattn.json curve.csv train.log samples.ppm)
    if(NOT EXISTS ${DIR}/${run}/${f})
      message(FATAL_ERROR "wanattn-train-demo wrote no ${f}:\n${out}")
    endif()
  endforeach()
endforeach()
if(NOT digest_a STREQUAL digest_b)
  message(FATAL_ERROR "two runs with one seed gave different weights: ${digest_a} vs ${digest_b}")
endif()
file(REMOVE_RECURSE ${DIR}/gen)
execute_process(COMMAND ${WANATTN} generate --model ${DIR}/a/model --prompt "a red circle moves left" --steps 2 --seed 1
                        --no-cache --no-mp4 --out ${DIR}/gen
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT EXISTS ${DIR}/gen/attention.npy)
  message(FATAL_ERROR "wanattn generate on the trained folder failed (${rc}):\n${out}\n${err}")
endif()
message(STATUS "weights digest ${digest_a} twice; generate: ${out}")
