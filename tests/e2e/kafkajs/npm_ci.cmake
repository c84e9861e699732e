# The e2e_kafkajs_npm_ci test (a ctest fixture of e2e_kafkajs): installs the pinned kafkajs
# with `npm ci` when node_modules lacks it. Without node/npm there is nothing to install and the
# kafkajs test skips. Run as: cmake -DDIR=<tests/e2e/kafkajs> -P npm_ci.cmake
if(EXISTS "${DIR}/node_modules/kafkajs/package.json")
  message(STATUS "kafkajs already installed in ${DIR}/node_modules")
  return()
endif()
find_program(NPM npm)
find_program(NODE node)
if(NOT NPM OR NOT NODE)
  message(STATUS "node/npm not found: the kafkajs end-to-end test will skip")
  return()
endif()
execute_process(COMMAND "${NPM}" ci --prefix "${DIR}" --no-audit --no-fund
                RESULT_VARIABLE result TIMEOUT 300)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "npm ci --prefix ${DIR} failed: ${result}")
endif()
