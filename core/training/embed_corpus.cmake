# Turns the corpora under resources/corpus into a C++ source holding their bytes.
# -DTANG=<file> -DENGLISH=<file> -DOUTPUT=<file>
function(attnlab_bytes path out_body out_count)
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hexLength)
  math(EXPR byteCount "${hexLength} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
  set(${out_body} "${body}" PARENT_SCOPE)
  set(${out_count} "${byteCount}" PARENT_SCOPE)
endfunction()
attnlab_bytes("${TANG}" tangBody tangCount)
attnlab_bytes("${ENGLISH}" englishBody englishCount)
file(WRITE "${OUTPUT}"
  "// Generated from resources/corpus; do not edit.\n"
  "#include <cstddef>\n"
  "namespace attnlab::core::detail {\n"
  "extern const unsigned char kTangCorpusData[] = {${tangBody} 0x00};\n"
  "extern const std::size_t kTangCorpusSize = ${tangCount};\n"
  "extern const unsigned char kEnglishCorpusData[] = {${englishBody} 0x00};\n"
  "extern const std::size_t kEnglishCorpusSize = ${englishCount};\n"
  "} // namespace attnlab::core::detail\n")
