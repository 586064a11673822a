# Turns resources/lexicon/lexicon.tsv into a C++ source holding the file's bytes.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hexLength)
math(EXPR byteCount "${hexLength} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
file(WRITE "${OUTPUT}"
  "// Generated from resources/lexicon/lexicon.tsv; do not edit.\n"
  "#include <cstddef>\n"
  "namespace attnlab::core::detail {\n"
  "extern const unsigned char kLexiconData[] = {${body} 0x00};\n"
  "extern const std::size_t kLexiconSize = ${byteCount};\n"
  "} // namespace attnlab::core::detail\n")
