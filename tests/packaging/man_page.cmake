# man_page.cmake: checks that docs/glasstls.1 documents the CLI as its --help does (ctest label
# "packaging"):
#
#   cmake -DCLI=build/glasstls -DMAN=docs/glasstls.1 -P man_page.cmake
#
# Every command listed by `glasstls --help` must have its own subsection (.SS "glasstls NAME"),
# every option that `glasstls --help` and `glasstls NAME --help` print must appear in the man
# page, and every option the man page names must be printed by one of them.
cmake_minimum_required(VERSION 3.25)

foreach(var CLI MAN)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "man_page.cmake: -D${var}=... is required")
  endif()
endforeach()

# help(ARGS...) sets help_text to what `glasstls ARGS...` printed.
function(help)
  execute_process(COMMAND ${CLI} ${ARGN} TIMEOUT 30 RESULT_VARIABLE rc
    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "glasstls ${ARGN} failed (${rc}):\n${out}${err}")
  endif()
  set(help_text "${out}${err}" PARENT_SCOPE)
endfunction()

# options_of(TEXT OUT) lists the options named in TEXT: --long-names, and -n style short ones
# where they start an option line.
function(options_of text out)
  string(REGEX MATCHALL "--[a-z0-9][a-z0-9-]*" longs "${text}")
  string(REGEX MATCHALL "\n  -[a-zA-Z] " shorts "${text}")
  list(TRANSFORM shorts STRIP)
  set(all ${longs} ${shorts})
  list(REMOVE_DUPLICATES all)
  set(${out} ${all} PARENT_SCOPE)
endfunction()

file(READ ${MAN} man)
# The man page escapes every hyphen of an option (\-\-max\-seconds); read it back unescaped.
string(REPLACE "\\-" "-" man_plain "${man}")

# man_has(OPTION OUT) says whether the man page names OPTION (as a whole word; options are
# made of letters, digits and hyphens only).
function(man_has option out)
  if(man_plain MATCHES "(^|[^a-z0-9-])${option}([^a-z0-9-]|$)")
    set(${out} TRUE PARENT_SCOPE)
  else()
    set(${out} FALSE PARENT_SCOPE)
  endif()
endfunction()

help(--help)
set(top "${help_text}")
# The commands are the first words of the lines after "commands:", up to a blank line.
string(REGEX MATCH "commands:\n([^\n]+\n)+" commands_block "${top}")
string(REGEX MATCHALL "\n  [a-z]+" commands "${commands_block}")
list(TRANSFORM commands STRIP)
if(NOT commands)
  message(FATAL_ERROR "glasstls --help lists no commands:\n${top}")
endif()
message(STATUS "commands: ${commands}")

set(problems "")
options_of("${top}" help_options)
foreach(command ${commands})
  if(NOT man_plain MATCHES "\n\\.SS \"glasstls ${command}[ \"]")
    string(APPEND problems "no .SS subsection for `glasstls ${command}`\n")
  endif()
  if(command STREQUAL "version")
    continue()
  endif()
  help(${command} --help)
  options_of("${help_text}" options)
  foreach(option ${options})
    man_has(${option} found)
    if(NOT found)
      string(APPEND problems "`glasstls ${command} --help` names ${option}: not in the man page\n")
    endif()
  endforeach()
  list(APPEND help_options ${options})
endforeach()

# Options in the man page that no --help names (leaving out other programs' options, which the
# man page quotes in examples: openssl's are single-dash).
options_of("${man_plain}" man_options)
foreach(option ${man_options})
  if(NOT option IN_LIST help_options)
    string(APPEND problems "the man page names ${option}, which no --help does\n")
  endif()
endforeach()

if(problems)
  message(FATAL_ERROR "docs/glasstls.1 and the CLI's --help disagree:\n${problems}")
endif()
list(REMOVE_DUPLICATES help_options)
list(LENGTH help_options n)
message(STATUS "ok: ${n} options and every command documented")
