# One small helper per target kind, so that each folder's CMakeLists.txt stays a few lines.
#
#   fanfare_library(NAME SRCS a.cc b.cc DEPS other_lib absl::status)
#   fanfare_binary(NAME SRCS main.cc DEPS lib)
#   fanfare_test(NAME SRCS a_test.cc DEPS lib [LABELS slow] [TIMEOUT 300])
#       (TIMEOUT in seconds, multiplied by FANFARE_TIMEOUT_SCALE in a sanitized build)
#   fanfare_proto(NAME PROTOS fanfare/v1/a.proto [GRPC])
#   fanfare_fuzzer(NAME SRCS fuzz.cc DEPS lib ENTRY FanfareNameFuzz)   # libFuzzer with clang

function(fanfare_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(${name} STATIC ${ARG_SRCS})
  target_link_libraries(${name} PUBLIC ${ARG_DEPS})
endfunction()

function(fanfare_binary name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/bin)
endfunction()

# Tests get FANFARE_BIN_DIR and FANFARE_SOURCE_DIR in their environment so that they can
# start the real binaries and read the examples.
function(fanfare_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SRCS;DEPS;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gmock GTest::gtest_main)
  add_test(NAME ${name} COMMAND ${name})
  set_tests_properties(${name} PROPERTIES
    ENVIRONMENT "FANFARE_BIN_DIR=${PROJECT_BINARY_DIR}/bin;FANFARE_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
  if(ARG_LABELS)
    set_tests_properties(${name} PROPERTIES LABELS "${ARG_LABELS}")
  endif()
  if(ARG_TIMEOUT)
    math(EXPR timeout "${ARG_TIMEOUT} * ${FANFARE_TIMEOUT_SCALE}")
    set_tests_properties(${name} PROPERTIES TIMEOUT ${timeout})
  endif()
endfunction()

# Generates C++ (and, with GRPC, gRPC service stubs) for PROTOS, relative to this folder.
function(fanfare_proto name)
  cmake_parse_arguments(ARG "GRPC" "" "PROTOS" ${ARGN})
  set(out ${PROJECT_BINARY_DIR}/gen)
  set(srcs)
  foreach(proto ${ARG_PROTOS})
    string(REGEX REPLACE "\\.proto$" "" stem ${proto})
    set(generated ${out}/${stem}.pb.cc ${out}/${stem}.pb.h)
    set(plugin_args)
    if(ARG_GRPC)
      list(APPEND generated ${out}/${stem}.grpc.pb.cc ${out}/${stem}.grpc.pb.h)
      set(plugin_args --grpc_out=${out}
          --plugin=protoc-gen-grpc=$<TARGET_FILE:gRPC::grpc_cpp_plugin>)
    endif()
    add_custom_command(
      OUTPUT ${generated}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${out}
      COMMAND protobuf::protoc --proto_path=${CMAKE_CURRENT_SOURCE_DIR} --cpp_out=${out}
              ${plugin_args} ${proto}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/${proto}
      COMMENT "protoc ${proto}")
    list(APPEND srcs ${generated})
  endforeach()
  add_library(${name} STATIC ${srcs})
  target_include_directories(${name} SYSTEM PUBLIC ${out})
  target_compile_options(${name} PRIVATE -w)
  target_link_libraries(${name} PUBLIC protobuf::libprotobuf)
  if(ARG_GRPC)
    target_link_libraries(${name} PUBLIC gRPC::grpc++)
  endif()
endfunction()

# A libFuzzer target, and NAME_entry: the same sources as an object library whose
# LLVMFuzzerTestOneInput is renamed ENTRY, so that fuzz_seed_replay_test replays every seed
# with any compiler. The fuzzer itself needs clang; with g++ only NAME_entry is built.
# Configure with -DFANFARE_FUZZ=ON (`./dev fuzz`) so that the libraries are instrumented too.
function(fanfare_fuzzer name)
  cmake_parse_arguments(ARG "" "ENTRY" "SRCS;DEPS" ${ARGN})
  add_library(${name}_entry OBJECT ${ARG_SRCS})
  target_compile_definitions(${name}_entry PRIVATE LLVMFuzzerTestOneInput=${ARG_ENTRY})
  target_link_libraries(${name}_entry PUBLIC ${ARG_DEPS})
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    return()
  endif()
  add_executable(${name} ${ARG_SRCS})
  target_compile_options(${name} PRIVATE -fsanitize=fuzzer,address)
  target_link_options(${name} PRIVATE -fsanitize=fuzzer,address)
  target_link_libraries(${name} PRIVATE ${ARG_DEPS})
  set_property(GLOBAL APPEND PROPERTY FANFARE_FUZZERS ${name})
endfunction()

# Adds every immediate subfolder that has a CMakeLists.txt, so that a new component folder
# needs no edit of its parent.
function(fanfare_add_subdirectories)
  file(GLOB children LIST_DIRECTORIES true CONFIGURE_DEPENDS
       RELATIVE ${CMAKE_CURRENT_SOURCE_DIR} ${CMAKE_CURRENT_SOURCE_DIR}/*)
  list(SORT children)
  foreach(child ${children})
    if(IS_DIRECTORY ${CMAKE_CURRENT_SOURCE_DIR}/${child}
       AND EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/${child}/CMakeLists.txt)
      add_subdirectory(${child})
    endif()
  endforeach()
endfunction()
