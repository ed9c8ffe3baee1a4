# Warning flags for our own targets. Third-party headers come in as SYSTEM includes, so the
# stricter flags (-Wconversion -Wshadow) only judge code we wrote.
#
# -Werror only with PORTMQTT_WERROR (on in CMakePresets.json, so our builds and CI stay
# warning-free): a consumer's compiler may know warnings ours does not, and that must not
# stop their build. PORTMQTT_WERROR_FLAG is for targets that set their own flags.
if(PORTMQTT_WERROR)
  set(PORTMQTT_WERROR_FLAG -Werror)
else()
  set(PORTMQTT_WERROR_FLAG "")
endif()

# g++ 12 reports false -Wrestrict positives inside std::string at -O2 and -O3 (GCC bug 105329).
set(portmqtt_no_false_positives $<$<CXX_COMPILER_ID:GNU>:-Wno-restrict>)

# Clang proves the locking rules the code states (src/common/thread_safety.hpp): a field marked
# GUARDED_BY(m) touched without `m`, or a REQUIRES(m) function called without it, is a warning,
# and with PORTMQTT_WERROR a failed build. The thread-safety preset runs it in CI.
set(portmqtt_thread_safety $<$<CXX_COMPILER_ID:Clang>:-Wthread-safety>)

add_library(portmqtt_warnings INTERFACE)
target_compile_options(portmqtt_warnings INTERFACE
  -Wall -Wextra ${PORTMQTT_WERROR_FLAG} -Wconversion -Wsign-conversion -Wshadow
  -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual
  # Config structs are meant for designated initialisers that name only some fields.
  -Wno-missing-field-initializers
  ${portmqtt_no_false_positives} ${portmqtt_thread_safety})
add_library(portmqtt::warnings ALIAS portmqtt_warnings)

# Tests use the same warnings minus the ones googletest macros trip over.
add_library(portmqtt_test_warnings INTERFACE)
target_compile_options(portmqtt_test_warnings INTERFACE -Wall -Wextra ${PORTMQTT_WERROR_FLAG}
  -Wshadow -Wno-missing-field-initializers ${portmqtt_no_false_positives})
add_library(portmqtt::test_warnings ALIAS portmqtt_test_warnings)
