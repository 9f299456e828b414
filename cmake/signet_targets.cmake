# One helper per target kind. Every module library names the modules it may use (DESIGN.md §2);
# a module that is not listed is not on the include path of the sources that use it, so the link
# graph enforces the module map.

set(SIGNET_WARNINGS -Wall -Wextra -Werror -Wpedantic -Wshadow -Wnon-virtual-dtor)
# GCC 12 at -O3 reports -Wrestrict for `"literal" + std::string` inside libstdc++ (a false
# positive, GCC bug 105329); it would fail Release builds of correct code.
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13)
  list(APPEND SIGNET_WARNINGS -Wno-restrict)
endif()

# signet_module(NAME SOURCES ... MODULES core crypto ... LIBS PkgConfig::X ...)
# Defines the static library signet_NAME from src/NAME/.
function(signet_module name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MODULES;LIBS" ${ARGN})
  add_library(signet_${name} STATIC ${ARG_SOURCES})
  target_compile_options(signet_${name} PRIVATE ${SIGNET_WARNINGS})
  # Sources include headers as "NAME/header.h"; only src/ is exposed, and only through the
  # modules a library links, since each module's own include directory is src/.
  target_include_directories(signet_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  foreach(m IN LISTS ARG_MODULES)
    target_link_libraries(signet_${name} PUBLIC signet_${m})
  endforeach()
  if(ARG_LIBS)
    target_link_libraries(signet_${name} PRIVATE ${ARG_LIBS})
  endif()
  string(REPLACE ";" "," deps "${ARG_MODULES}")
  set_property(GLOBAL APPEND PROPERTY SIGNET_MODULE_DEPS "${name}:${deps}")
endfunction()

# signet_app(NAME SOURCES ... MODULES ... LIBS ...)
function(signet_app name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MODULES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SIGNET_WARNINGS})
  foreach(m IN LISTS ARG_MODULES)
    target_link_libraries(${name} PRIVATE signet_${m})
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS})
endfunction()

# signet_test(NAME SOURCES ... MODULES ... LIBS ...): one GoogleTest binary per module.
function(signet_test name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MODULES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SIGNET_WARNINGS})
  foreach(m IN LISTS ARG_MODULES)
    target_link_libraries(${name} PRIVATE signet_${m})
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} GTest::gtest GTest::gtest_main GTest::gmock)
  target_compile_definitions(${name} PRIVATE
    SIGNET_SOURCE_DIR="${PROJECT_SOURCE_DIR}"
    
    SIGNET_BINARY_DIR="${PROJECT_BINARY_DIR}")
  # A unit test takes seconds at most (under the sanitizers too): one that hangs fails after two
  # minutes, with its name, instead of holding the run until CI's limit.
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit TIMEOUT 120)
endfunction()

# signet_bench(NAME SOURCES ... MODULES ... LIBS ...)
function(signet_bench name)
  cmake_parse_arguments(ARG "" "" "SOURCES;MODULES;LIBS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_compile_options(${name} PRIVATE ${SIGNET_WARNINGS})
  foreach(m IN LISTS ARG_MODULES)
    target_link_libraries(${name} PRIVATE signet_${m})
  endforeach()
  target_link_libraries(${name} PRIVATE ${ARG_LIBS} benchmark::benchmark)
endfunction()
