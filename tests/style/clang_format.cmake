# clang_format.cmake: the Style.ClangFormat test. Every C++ source and header of the tree must be
# as clang-format leaves it under the repository's .clang-format (CONTRIBUTING.md, "Code style").
#
#   cmake -DSOURCE=DIR -DCLANG_FORMAT=PATH -P clang_format.cmake
set(files)
foreach(dir src include tests tools fuzz bench)
  file(GLOB_RECURSE found ${SOURCE}/${dir}/*.cc ${SOURCE}/${dir}/*.h)
  list(APPEND files ${found})
endforeach()
list(LENGTH files count)
if(count EQUAL 0)
  message(FATAL_ERROR "no sources found under ${SOURCE}")
endif()
execute_process(COMMAND ${CLANG_FORMAT} --dry-run -Werror --style=file ${files}
  WORKING_DIRECTORY ${SOURCE} RESULT_VARIABLE status ERROR_VARIABLE errors)
if(NOT status EQUAL 0)
  message(FATAL_ERROR "not formatted (run clang-format -i on these):\n${errors}")
endif()
message(STATUS "${count} files formatted as .clang-format says")
