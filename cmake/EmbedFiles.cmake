# cmake -P script: compiles text files into the binary. Every DIR/**/*EXT
# (sorted; keyed by its path under DIR without EXT, e.g. "cpp/tags") becomes
# one line `{"key", R"DELIM(text)DELIM"},` of @ENTRIES@ in TEMPLATE, written
# to OUTPUT (configure_file leaves an unchanged OUTPUT alone, so nothing
# recompiles). Used for the tag queries and the built-in workflow templates.
# Variables: DIR, EXT, DELIM, TEMPLATE, OUTPUT.
file(GLOB_RECURSE files RELATIVE "${DIR}" "${DIR}/*${EXT}")
list(SORT files)
set(ENTRIES "")
foreach(rel IN LISTS files)
  file(READ "${DIR}/${rel}" text)
  string(FIND "${text}" ")${DELIM}\"" clash)
  if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${rel} contains the raw-string delimiter )${DELIM}\"")
  endif()
  string(LENGTH "${rel}" n)
  string(LENGTH "${EXT}" e)
  math(EXPR n "${n} - ${e}")
  string(SUBSTRING "${rel}" 0 ${n} key)
  string(APPEND ENTRIES "    {\"${key}\", R\"${DELIM}(${text})${DELIM}\"},\n")
endforeach()
configure_file("${TEMPLATE}" "${OUTPUT}" @ONLY)
