# Warning flags for our own targets. Third-party headers come in as SYSTEM includes, so the
# stricter flags (-Wconversion -Wshadow) only judge code we wrote.
add_library(portmqtt_warnings INTERFACE)
target_compile_options(portmqtt_warnings INTERFACE
  -Wall -Wextra -Werror -Wconversion -Wsign-conversion -Wshadow -Wnon-virtual-dtor
  -Wold-style-cast -Wcast-align -Woverloaded-virtual
  # Config structs are meant for designated initialisers that name only some fields.
  -Wno-missing-field-initializers
  # g++ 12 reports false -Wrestrict positives inside std::string at -O2 (GCC bug 105329).
  $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)
add_library(portmqtt::warnings ALIAS portmqtt_warnings)

# Tests use the same warnings minus the ones googletest macros trip over.
add_library(portmqtt_test_warnings INTERFACE)
target_compile_options(portmqtt_test_warnings INTERFACE -Wall -Wextra -Werror -Wshadow
  -Wno-missing-field-initializers)
add_library(portmqtt::test_warnings ALIAS portmqtt_test_warnings)
