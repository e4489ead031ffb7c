# Tree-sitter grammars, fetched from the npm registry at pinned versions and
# compiled into the build. Generated parsers are never committed: the tarballs
# are cached outside the build tree so a fresh clone does not re-download them.
#
# libtree-sitter 0.20.7 only loads ABI 13-14 grammars; an ABI 15 parser.c
# compiles but fails at run time, so the ABI is checked here at configure time.

set(SWITCHBOARD_GRAMMAR_CACHE "$ENV{HOME}/.cache/switchboard/grammars"
    CACHE PATH "Where fetched grammar tarballs are kept between builds")

# name|version|sha256 of the npm tarball|folder holding src/
set(SB_GRAMMARS
  "c|0.23.6|88175d4425037ec0026233a44f82064a676573b1fd748fc709ae607332151243|."
  "cpp|0.23.4|615d152f70e7a6bed8f15a93c3c0c264c40dc71c1b6a1445646fff9439e776bc|."
  "python|0.23.6|aab5b860d93dbf84b37fed532f7dacc0468ede5387d0c74911d68f964287662a|."
  "javascript|0.23.1|90e80b25a67517a4daf6ad751557bee21efbda7b7a5a554897933245d1734398|."
  "typescript|0.23.2|0fdf63c35930a75885145d75ee63cb879da2d49db9bfe454bd8e60b08ba778a1|typescript"
  "tsx|0.23.2|0fdf63c35930a75885145d75ee63cb879da2d49db9bfe454bd8e60b08ba778a1|tsx"
  "go|0.23.4|8779d20d322b4319ad8c833ea72ecb6d109cf1fec8979bdcdb5315a2e511dd2c|."
  "rust|0.23.3|5c1d96a9628875c7ba122da1a3aa0bf62b547b5a720673fa318336de27506c66|."
  "java|0.23.5|6b6c1b62605f9d8bb80efd2ebe5951a87b182faafa3eeb67c460a667818551b6|."
  "json|0.24.8|39e96d1e4231d200562ebd69105151cd43f58dda4b18a0e9a62fe2991da35b9c|."
  "bash|0.23.3|10f4d67f56e07bc6cc34c49afb34e232269c1e0a19933880dfdb5dd738a8fc7d|."
)

find_program(NPM_EXECUTABLE npm REQUIRED)
file(MAKE_DIRECTORY "${SWITCHBOARD_GRAMMAR_CACHE}")

function(sb_fetch_grammar package version sha out_dir)
  set(tgz "${SWITCHBOARD_GRAMMAR_CACHE}/tree-sitter-${package}-${version}.tgz")
  if(EXISTS "${tgz}")
    file(SHA256 "${tgz}" have)
    if(NOT have STREQUAL sha)
      message(STATUS "Grammar tarball ${tgz} has the wrong hash; fetching again")
      file(REMOVE "${tgz}")
    endif()
  endif()
  if(NOT EXISTS "${tgz}")
    message(STATUS "Fetching tree-sitter-${package}@${version} from npm")
    execute_process(
      COMMAND "${NPM_EXECUTABLE}" pack "tree-sitter-${package}@${version}"
              --silent --pack-destination "${SWITCHBOARD_GRAMMAR_CACHE}"
      RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
    if(NOT rc EQUAL 0 OR NOT EXISTS "${tgz}")
      message(FATAL_ERROR "npm pack tree-sitter-${package}@${version} failed: ${err}")
    endif()
    file(SHA256 "${tgz}" have)
    if(NOT have STREQUAL sha)
      file(REMOVE "${tgz}")
      message(FATAL_ERROR "tree-sitter-${package}@${version}: sha256 ${have}, expected ${sha}")
    endif()
  endif()
  set(dest "${CMAKE_BINARY_DIR}/grammars/${package}-${version}")
  if(NOT EXISTS "${dest}/package/package.json")
    file(ARCHIVE_EXTRACT INPUT "${tgz}" DESTINATION "${dest}")
  endif()
  set(${out_dir} "${dest}/package" PARENT_SCOPE)
endfunction()

add_library(sb_grammars STATIC)
set(SB_GRAMMAR_NAMES "")
foreach(spec IN LISTS SB_GRAMMARS)
  string(REPLACE "|" ";" entry "${spec}")
  list(GET entry 0 name)
  list(GET entry 1 version)
  list(GET entry 2 sha)
  list(GET entry 3 subdir)
  set(package ${name})
  if(name STREQUAL "tsx")
    set(package typescript)
  endif()
  sb_fetch_grammar(${package} ${version} ${sha} root)
  set(src "${root}/${subdir}/src")
  file(STRINGS "${src}/parser.c" abi_line REGEX "^#define LANGUAGE_VERSION ")
  string(REGEX MATCH "[0-9]+" abi "${abi_line}")
  if(abi LESS 13 OR abi GREATER 14)
    message(FATAL_ERROR "tree-sitter-${name}@${version} has ABI ${abi}; libtree-sitter 0.20.7 loads 13-14")
  endif()
  set(sources "${src}/parser.c")
  if(EXISTS "${src}/scanner.c")
    list(APPEND sources "${src}/scanner.c")
  endif()
  # Each grammar is its own object library: scanner.c files share static names.
  add_library(sb_grammar_${name} OBJECT ${sources})
  target_include_directories(sb_grammar_${name} PRIVATE "${src}")
  set_target_properties(sb_grammar_${name} PROPERTIES
    C_STANDARD 11 POSITION_INDEPENDENT_CODE ON UNITY_BUILD OFF)
  target_compile_options(sb_grammar_${name} PRIVATE -O2 -w)
  target_sources(sb_grammars PRIVATE $<TARGET_OBJECTS:sb_grammar_${name}>)
  list(APPEND SB_GRAMMAR_NAMES ${name})
endforeach()
set_target_properties(sb_grammars PROPERTIES LINKER_LANGUAGE C)
