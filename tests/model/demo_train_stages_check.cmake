# ctest demo_train_stages_cpu: the trainer's staged and time-bounded runs, tiny, on the CPU.
#   1. a first stage; 2. a second one from its folder (--init-from), recorded in wanattn.json;
#   3. --init-from a folder of another size fails naming the parameter and the folder; one
#      of fewer blocks is grown with --insert-blocks-at (recorded), refused without it;
#   4. --max-minutes fits the schedule to the budget from the speed of steps 10 to 40:
#      the run does the steps it said fit and records that count (or, if this machine slowed
#      down by more than 10 % after the timing, stops at the limit and says so).
# Arguments: -DTRAINER= -DDIR=
set(args --device cpu --seed 3 --batch 2 --vae-batch 1 --vae-every 2 --warmup 2 --log-every 3
         --size 64x64 --frames 9 --ffn 48 --heads 2 --text-dim 16 --text-layers 1 --vae-base 4)
file(REMOVE_RECURSE ${DIR})

function(train name expect_ok)
  execute_process(COMMAND ${TRAINER} --out ${DIR}/${name} ${args} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(out "${out}" PARENT_SCOPE)
  set(err "${err}" PARENT_SCOPE)
  if(expect_ok AND NOT rc EQUAL 0)
    message(FATAL_ERROR "wanattn-train-demo ${name} failed (${rc}):\n${out}\n${err}")
  elseif(NOT expect_ok AND rc EQUAL 0)
    message(FATAL_ERROR "wanattn-train-demo ${name} should have failed:\n${out}")
  endif()
endfunction()

# A run that must fail with a message matching `pattern`.
function(refused name what pattern)
  train(${name} FALSE ${ARGN})
  if(NOT err MATCHES "${pattern}")
    message(FATAL_ERROR "${what}: unexpected message:\n${err}")
  endif()
endfunction()

function(training_field name key var)
  file(READ ${DIR}/${name}/model/wanattn.json j)
  string(JSON v GET "${j}" demo training ${key})
  set(${var} "${v}" PARENT_SCOPE)
endfunction()

train(s1 TRUE --dim 32 --layers 2 --steps 6 --no-eval)
train(s2 TRUE --dim 32 --layers 2 --steps 6 --no-eval --init-from ${DIR}/s1/model)
if(NOT out MATCHES "initialised from ${DIR}/s1/model")
  message(FATAL_ERROR "the second stage does not say where it started:\n${out}")
endif()
training_field(s2 init_from from)
if(NOT from STREQUAL "model")
  message(FATAL_ERROR "wanattn.json of the second stage records init_from '${from}'")
endif()

refused(wrong "a folder of another size" "--init-from ${DIR}/s1/model: DiT parameter [a-z_.0-9]+ does not fit"
        --dim 64 --layers 2 --steps 6 --no-eval --init-from ${DIR}/s1/model)

refused(deeper "a deeper DiT without --insert-blocks-at"
        "--init-from ${DIR}/s1/model: its DiT has 2 blocks, this run's 3 \\(--insert-blocks-at K grows it\\)"
        --dim 32 --layers 3 --steps 6 --no-eval --init-from ${DIR}/s1/model)
train(grown TRUE --dim 32 --layers 3 --insert-blocks-at 1 --steps 6 --no-eval --init-from ${DIR}/s1/model)
if(NOT out MATCHES "DiT grown from 2 to 3 blocks: 1 new at block 1")
  message(FATAL_ERROR "the grown stage does not say so:\n${out}")
endif()
training_field(grown insert_blocks_at at)
if(NOT at EQUAL 1)
  message(FATAL_ERROR "wanattn.json of the grown stage records insert_blocks_at '${at}'")
endif()
refused(no_folder "--insert-blocks-at without a folder" "--insert-blocks-at needs --init-from"
        --dim 32 --layers 3 --insert-blocks-at 1 --steps 6 --no-eval)
refused(grown_wrong "a bad insertion point" "--insert-blocks-at 5: growing a DiT: the new blocks go at an index in 0..2"
        --dim 32 --layers 3 --insert-blocks-at 5 --steps 6 --no-eval --init-from ${DIR}/s1/model)

train(timed TRUE --dim 32 --layers 2 --steps 5000 --max-minutes 0.2 --no-eval)
if(NOT out MATCHES "ms per step: ([0-9]+) steps fit in")
  message(FATAL_ERROR "the time-bounded run did not fit its schedule:\n${out}")
endif()
set(fit ${CMAKE_MATCH_1})
training_field(timed steps done)
training_field(timed stopped_early early)
if(early STREQUAL "OFF")
  if(NOT done EQUAL fit OR NOT out MATCHES "step +${fit}/${fit} ")
    message(FATAL_ERROR "the time-bounded run said ${fit} steps fit but did ${done}:\n${out}")
  endif()
elseif(NOT out MATCHES "stopping early at step ${done} of ${fit}: the 0.2-minute limit is reached")
  message(FATAL_ERROR "the time-bounded run stopped early without saying so:\n${out}")
endif()
message(STATUS "stages: ok; time-bounded run: ${fit} steps")
