# run.cmake: the packaging tests (ctest label "packaging"), run as
#
#   cmake -DMODE=subdirectory|installed -DWORK=DIR -DGLASSTLS_SOURCE=DIR -DGLASSTLS_BUILD=DIR
#         -DCXX=COMPILER [-DLAUNCHER=ccache] [-DSANITIZE=ON] -P run.cmake
#
# MODE=subdirectory: configures subdirectory/, a project that add_subdirectory()s the glasstls
#   source tree, and checks that glasstls defines only its library and CLI (no tests, benchmarks
#   or fuzz targets); builds and runs the consumer program against that library. Then configures
#   it again with -DGLASSTLS_TESTS=ON and checks that the tests appear when asked for.
# MODE=installed: `cmake --install GLASSTLS_BUILD --prefix WORK/prefix`, checks the installed
#   CLI, man page, headers, library, CMake package and pkg-config file, then builds and runs the
#   consumer program twice: with find_package(glasstls) (installed/) and with the flags of
#   `pkg-config --cflags --libs glasstls`.
#
# The consumer program (consumer/consumer.cc) completes a TLS 1.3 handshake in memory with a
# client that trusts a CA file; the CA and the server's certificate are made here with openssl.
# Consumers build without optimisation or debug information, through ccache when there is one,
# so that the test stays quick.
cmake_minimum_required(VERSION 3.25)

foreach(var MODE WORK GLASSTLS_SOURCE GLASSTLS_BUILD CXX)
  if(NOT DEFINED ${var} OR "${${var}}" STREQUAL "")
    message(FATAL_ERROR "run.cmake: -D${var}=... is required")
  endif()
endforeach()
set(here ${CMAKE_CURRENT_LIST_DIR})
if(NOT LAUNCHER)
  find_program(LAUNCHER ccache)
  if(NOT LAUNCHER)
    set(LAUNCHER "")
  endif()
endif()
include(ProcessorCount)
ProcessorCount(jobs)
if(jobs EQUAL 0)
  set(jobs 2)
endif()

# step(NAME COMMAND...) runs a command in WORK, prints its output, and fails the test when it
# fails or takes more than five minutes. Its standard output is left in step_output.
function(step name)
  message(STATUS "== ${name}")
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${WORK} TIMEOUT 300
    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${name} failed (${rc}):\n${out}\n${err}")
  endif()
  set(step_output "${out}" PARENT_SCOPE)
endfunction()

# expect_file(PATH) fails unless PATH exists.
function(expect_file path)
  if(NOT EXISTS "${path}")
    message(FATAL_ERROR "missing: ${path}")
  endif()
  message(STATUS "   found ${path}")
endfunction()

# expect_ok(NAME PROGRAM ARGS...) runs the consumer program and checks what it printed.
function(expect_ok name)
  step("${name}" ${ARGN})
  if(NOT step_output MATCHES "glasstls consumer: ok")
    message(FATAL_ERROR "${name} did not report success:\n${step_output}")
  endif()
  message(STATUS "   ${step_output}")
endfunction()

file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

# A CA and a certificate it issued for localhost, valid for two days.
find_program(OPENSSL openssl REQUIRED)
file(WRITE ${WORK}/leaf.ext
  "basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\n"
  "extendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost\n")
step("make a CA" ${OPENSSL} req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes
  -keyout ca.key -out ca.pem -days 2 -subj "/CN=glasstls packaging test CA"
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign")
step("make a server key and request" ${OPENSSL} req -new -newkey ec
  -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj "/CN=localhost")
step("issue the server certificate" ${OPENSSL} x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key
  -CAcreateserial -days 2 -extfile leaf.ext -out leaf.pem)
set(certs ${WORK}/ca.pem ${WORK}/leaf.pem ${WORK}/leaf.key)

set(cmake_args -DCMAKE_CXX_COMPILER=${CXX} -DCMAKE_CXX_COMPILER_LAUNCHER=${LAUNCHER}
  -DCMAKE_BUILD_TYPE=)

if(MODE STREQUAL "subdirectory")
  step("configure a project that adds glasstls with add_subdirectory()"
    ${CMAKE_COMMAND} -S ${here}/subdirectory -B ${WORK}/build ${cmake_args}
    -DGLASSTLS_SOURCE=${GLASSTLS_SOURCE})
  string(REGEX MATCH "glasstls targets: [^\n]*" targets "${step_output}")
  message(STATUS "   ${targets}")
  step("build the consumer and the glasstls library"
    ${CMAKE_COMMAND} --build ${WORK}/build --target consumer -j${jobs})
  expect_ok("run the consumer" ${WORK}/build/consumer ${certs})
  step("configure it again with -DGLASSTLS_TESTS=ON: the tests are there when asked for"
    ${CMAKE_COMMAND} -S ${here}/subdirectory -B ${WORK}/build-tests ${cmake_args}
    -DGLASSTLS_SOURCE=${GLASSTLS_SOURCE} -DGLASSTLS_TESTS=ON
    -DEXPECT_TARGETS=glasstls,glasstls_cli,glasstls_tests)
elseif(MODE STREQUAL "installed")
  set(prefix ${WORK}/prefix)
  step("cmake --install" ${CMAKE_COMMAND} --install ${GLASSTLS_BUILD} --prefix ${prefix})
  expect_file(${prefix}/bin/glasstls)
  expect_file(${prefix}/share/man/man1/glasstls.1)
  expect_file(${prefix}/include/glasstls/connection.h)
  file(GLOB libs ${prefix}/lib*/libglasstls.a)
  file(GLOB pcs ${prefix}/lib*/pkgconfig/glasstls.pc)
  file(GLOB configs ${prefix}/lib*/cmake/glasstls/glasstlsConfig.cmake)
  foreach(what libs pcs configs)
    list(LENGTH ${what} n)
    if(NOT n EQUAL 1)
      message(FATAL_ERROR "expected one installed ${what}, found [${${what}}]")
    endif()
    expect_file(${${what}})
  endforeach()
  file(READ ${GLASSTLS_SOURCE}/docs/glasstls.1 man_source)
  file(READ ${prefix}/share/man/man1/glasstls.1 man_installed)
  if(NOT man_source STREQUAL man_installed)
    message(FATAL_ERROR "the installed man page differs from docs/glasstls.1")
  endif()
  step("run the installed CLI" ${prefix}/bin/glasstls --help)
  if(NOT step_output MATCHES "usage: glasstls")
    message(FATAL_ERROR "glasstls --help printed:\n${step_output}")
  endif()

  # The installed library is built like GLASSTLS_BUILD; a sanitized build needs the sanitizer
  # runtime in the program that links it.
  set(flags "")
  if(SANITIZE)
    set(flags -fsanitize=address,undefined -fno-omit-frame-pointer)
  endif()
  list(JOIN flags " " flags_string)

  step("configure a project that uses find_package(glasstls)"
    ${CMAKE_COMMAND} -S ${here}/installed -B ${WORK}/build ${cmake_args}
    -DCMAKE_PREFIX_PATH=${prefix} -DEXPECT_PREFIX=${prefix}
    "-DCMAKE_CXX_FLAGS=${flags_string}" "-DCMAKE_EXE_LINKER_FLAGS=${flags_string}")
  step("build it" ${CMAKE_COMMAND} --build ${WORK}/build -j${jobs})
  expect_ok("run the find_package() consumer" ${WORK}/build/consumer ${certs})

  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  get_filename_component(pcdir ${pcs} DIRECTORY)
  set(pkg_config ${CMAKE_COMMAND} -E env PKG_CONFIG_PATH=${pcdir} ${PKG_CONFIG})
  step("pkg-config --variable=prefix glasstls" ${pkg_config} --variable=prefix glasstls)
  string(STRIP "${step_output}" pc_prefix)
  if(NOT pc_prefix STREQUAL prefix)
    message(FATAL_ERROR "glasstls.pc names the prefix ${pc_prefix}, not ${prefix}")
  endif()
  step("pkg-config --static --libs glasstls" ${pkg_config} --static --libs glasstls)
  if(NOT step_output MATCHES "-lglasstls" OR NOT step_output MATCHES "-lcrypto")
    message(FATAL_ERROR "pkg-config --static --libs glasstls gave: ${step_output}")
  endif()
  step("pkg-config --cflags --libs glasstls" ${pkg_config} --cflags --libs glasstls)
  string(STRIP "${step_output}" pc_flags)
  message(STATUS "   ${pc_flags}")
  separate_arguments(pc_flags UNIX_COMMAND "${pc_flags}")
  step("build a program with the flags pkg-config gives" ${LAUNCHER} ${CXX} -std=c++20 ${flags}
    ${here}/consumer/consumer.cc ${pc_flags} -o ${WORK}/consumer-pkg-config)
  expect_ok("run the pkg-config consumer" ${WORK}/consumer-pkg-config ${certs})
else()
  message(FATAL_ERROR "run.cmake: MODE must be subdirectory or installed, not ${MODE}")
endif()
message(STATUS "ok")
