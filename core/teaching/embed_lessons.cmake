# Turns the lessons listed in LESSONS (paths separated by |, the explicit list of
# core/CMakeLists.txt) into a C++ source holding the files' bytes, in name order.
string(REPLACE "|" ";" lessons "${LESSONS}")
list(SORT lessons)
set(arrays "")
set(entries "")
set(index 0)
foreach(lesson IN LISTS lessons)
  get_filename_component(name "${lesson}" NAME_WE)
  file(READ "${lesson}" hex HEX)
  string(LENGTH "${hex}" hexLength)
  math(EXPR byteCount "${hexLength} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  string(APPEND arrays "const unsigned char kLesson${index}[] = {${body} 0x00};\n")
  string(APPEND entries "    {\"${name}\", kLesson${index}, ${byteCount}},\n")
  math(EXPR index "${index} + 1")
endforeach()
file(WRITE "${OUTPUT}"
  "// Generated from resources/lessons/*.attnlab by core/teaching/embed_lessons.cmake; do not edit.\n"
  "#include \"core/teaching/lessons.h\"\n"
  "namespace attnlab::core::detail {\n"
  "namespace {\n${arrays}}\n"
  "extern const EmbeddedLesson kEmbeddedLessons[] = {\n${entries}    {nullptr, nullptr, 0}};\n"
  "} // namespace attnlab::core::detail\n")
