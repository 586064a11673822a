#include "core/attention/mask.h"

#include "core/base/random.h"
#include "core/base/types.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdlib>
#include <set>
#include <string>

namespace attnlab::core {
namespace {

// Large enough for any sentence the program accepts, small enough that W·D, i + W and friends
// stay far from overflow in 64-bit arithmetic.
constexpr int kMaxExtent = 100'000'000;
// Random keys per row: each one is a stored index per row in sparse kernels.
constexpr int kMaxRandomKeys = 65'536;

using Index = std::int64_t;

// Appends [begin, end) clipped to [0, nk), merged with the last run when they touch or overlap.
// Callers append in increasing order of begin.
void appendRun(std::vector<KeyRun>& runs, Index begin, Index end, int nk) {
    begin = std::max<Index>(begin, 0);
    end = std::min<Index>(end, nk);
    if (begin >= end)
        return;
    if (!runs.empty() && begin <= runs.back().end) {
        runs.back().end = std::max(runs.back().end, static_cast<int>(end));
        return;
    }
    runs.push_back({static_cast<int>(begin), static_cast<int>(end)});
}

Index floorDiv(Index a, Index b) {
    Index q = a / b;
    if ((a % b != 0) && ((a < 0) != (b < 0)))
        --q;
    return q;
}

// --- none, causal, padding, window, custom ---------------------------------------------------

bool noneVisible(const MaskPattern&, int, int) {
    return true;
}
void noneRuns(const MaskPattern& m, int, std::vector<KeyRun>& runs) {
    appendRun(runs, 0, m.keys(), m.keys());
}

bool causalVisible(const MaskPattern&, int i, int j) {
    return j <= i;
}
void causalRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    appendRun(runs, 0, Index{i} + 1, m.keys());
}

bool paddingVisible(const MaskPattern& m, int, int j) {
    const auto& runs = m.unpaddedRuns();
    const auto it = std::upper_bound(runs.begin(), runs.end(), j,
                                     [](int key, const KeyRun& run) { return key < run.begin; });
    return it != runs.begin() && j < std::prev(it)->end;
}
void paddingRuns(const MaskPattern& m, int, std::vector<KeyRun>& runs) {
    runs.insert(runs.end(), m.unpaddedRuns().begin(), m.unpaddedRuns().end());
}

bool windowVisible(const MaskPattern& m, int i, int j) {
    return std::abs(Index{i} - j) <= m.spec().window;
}
void windowRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    const Index w = m.spec().window;
    appendRun(runs, i - w, i + w + 1, m.keys());
}

bool customVisible(const MaskPattern& m, int i, int j) {
    const auto& blocked = m.blockedKeys(i);
    return !std::binary_search(blocked.begin(), blocked.end(), j);
}
void customRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    Index start = 0;
    for (int key : m.blockedKeys(i)) {
        appendRun(runs, start, key, m.keys());
        start = Index{key} + 1;
    }
    appendRun(runs, start, m.keys(), m.keys());
}

// --- the sparse patterns of docs/attention-math.md, "Efficient attention"
// -------------------------

bool dilatedVisible(const MaskPattern& m, int i, int j) {
    const Index d = m.spec().dilation;
    const Index offset = Index{i} - j;
    return std::abs(offset) <= Index{m.spec().window} * d && offset % d == 0;
}
void dilatedRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    const Index w = m.spec().window;
    const Index d = m.spec().dilation;
    // Keys j = i + t·D for −W ≤ t ≤ W, within [0, n_k).
    const Index first = std::max(-w, -floorDiv(i, d));
    const Index last = std::min(w, floorDiv(Index{m.keys()} - 1 - i, d));
    for (Index t = first; t <= last; ++t)
        appendRun(runs, i + t * d, i + t * d + 1, m.keys());
}

bool stridedVisible(const MaskPattern& m, int i, int j) {
    const Index s = m.spec().stride;
    const Index offset = Index{i} - j;
    return std::abs(offset) < s || offset % s == 0;
}
void stridedRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    const Index s = m.spec().stride;
    const Index nk = m.keys();
    // Every S-th key below the band, the band |i − j| < S, every S-th key above it.
    const Index bandBegin = i - s + 1;
    for (Index j = i % s; j < std::min(bandBegin, nk); j += s)
        appendRun(runs, j, j + 1, m.keys());
    appendRun(runs, bandBegin, i + s, m.keys());
    for (Index j = i + s; j < nk; j += s)
        appendRun(runs, j, j + 1, m.keys());
}

bool longformerVisible(const MaskPattern& m, int i, int j) {
    const int g = m.spec().globalTokens;
    return i < g || j < g || std::abs(Index{i} - j) <= m.spec().window;
}
void longformerRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    const Index g = m.spec().globalTokens;
    const Index w = m.spec().window;
    if (i < g) {
        appendRun(runs, 0, m.keys(), m.keys());
        return;
    }
    appendRun(runs, 0, g, m.keys());
    appendRun(runs, std::max<Index>(i - w, g), i + w + 1, m.keys());
}

bool bigBirdVisible(const MaskPattern& m, int i, int j) {
    if (longformerVisible(m, i, j))
        return true;
    std::vector<int> keys;
    bigBirdRandomKeys(m.spec(), i, m.keys(), m.seed(), keys);
    return std::binary_search(keys.begin(), keys.end(), j);
}
void bigBirdRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    std::vector<KeyRun> band;
    longformerRuns(m, i, band);
    std::vector<int> random;
    bigBirdRandomKeys(m.spec(), i, m.keys(), m.seed(), random);
    // Merge two increasing sequences; the random keys lie outside the band's runs.
    std::size_t r = 0;
    for (const KeyRun& run : band) {
        for (; r < random.size() && random[r] < run.begin; ++r)
            appendRun(runs, random[r], Index{random[r]} + 1, m.keys());
        appendRun(runs, run.begin, run.end, m.keys());
    }
    for (; r < random.size(); ++r)
        appendRun(runs, random[r], Index{random[r]} + 1, m.keys());
}

bool blockVisible(const MaskPattern& m, int i, int j) {
    const int b = m.spec().blockSize;
    return i / b == j / b;
}
void blockRuns(const MaskPattern& m, int i, std::vector<KeyRun>& runs) {
    const Index b = m.spec().blockSize;
    const Index start = (i / b) * b;
    appendRun(runs, start, start + b, m.keys());
}

// --- the registry ----------------------------------------------------------------------------

constexpr MaskParameterInfo kW{"W", "half-width", 0, kMaxExtent, &MaskSpec::window};
constexpr MaskParameterInfo kG{"G", "global tokens", 0, kMaxExtent, &MaskSpec::globalTokens};
constexpr std::array<MaskParameterInfo, 1> kPaddingParameters{
    {{"L", "padded length in tokens", 1, kMaxExtent, &MaskSpec::padLength}}};
constexpr std::array<MaskParameterInfo, 1> kWindowParameters{{kW}};
constexpr std::array<MaskParameterInfo, 2> kDilatedParameters{
    {kW, {"D", "dilation", 1, kMaxExtent, &MaskSpec::dilation}}};
constexpr std::array<MaskParameterInfo, 1> kStridedParameters{
    {{"S", "stride", 1, kMaxExtent, &MaskSpec::stride}}};
constexpr std::array<MaskParameterInfo, 2> kLongformerParameters{{kW, kG}};
constexpr std::array<MaskParameterInfo, 3> kBigBirdParameters{
    {kW, kG, {"R", "random keys per row", 0, kMaxRandomKeys, &MaskSpec::randomKeys}}};
constexpr std::array<MaskParameterInfo, 1> kBlockParameters{
    {{"B", "block size", 1, kMaxExtent, &MaskSpec::blockSize}}};

const std::array<MaskPatternInfo, 10>& registry() {
    static const std::array<MaskPatternInfo, 10> table{{
        {MaskKind::None,
         "none",
         "none",
         "every query sees every key",
         {},
         true,
         false,
         noneVisible,
         noneRuns},
        {MaskKind::Causal,
         "causal",
         "causal",
         "query i sees keys j ≤ i (self-attention only)",
         {},
         true,
         true,
         causalVisible,
         causalRuns},
        {MaskKind::Padding, "padding", "padding:L",
         "the sentence is padded with [PAD] to L tokens; no query sees a [PAD] key",
         kPaddingParameters, true, false, paddingVisible, paddingRuns},
        {MaskKind::Window, "window", "window:W",
         "query i sees keys with |i − j| ≤ W (sliding window)", kWindowParameters, true, false,
         windowVisible, windowRuns},
        {MaskKind::Custom,
         "custom",
         "custom",
         "the cells chosen by hand are blocked",
         {},
         false,
         false,
         customVisible,
         customRuns},
        {MaskKind::Dilated, "dilated", "dilated:W:D",
         "|i − j| ≤ W·D and D divides i − j (W steps of D on each side)", kDilatedParameters, true,
         false, dilatedVisible, dilatedRuns},
        {MaskKind::Strided, "strided", "strided:S",
         "|i − j| < S, or S divides i − j (a local band plus every S-th key)", kStridedParameters,
         true, false, stridedVisible, stridedRuns},
        {MaskKind::Longformer, "longformer", "longformer:W:G",
         "|i − j| ≤ W, or i < G, or j < G (a window plus G global tokens)", kLongformerParameters,
         true, false, longformerVisible, longformerRuns},
        {MaskKind::BigBird, "bigbird", "bigbird:W:G:R",
         "longformer:W:G plus R seeded random keys per query row", kBigBirdParameters, true, false,
         bigBirdVisible, bigBirdRuns},
        {MaskKind::Block, "block", "block:B",
         "⌊i/B⌋ = ⌊j/B⌋ (blocks of B tokens see only themselves)", kBlockParameters, true, false,
         blockVisible, blockRuns},
    }};
    return table;
}

std::string parameterRanges(const MaskPatternInfo& info) {
    std::string text;
    for (const MaskParameterInfo& p : info.parameters) {
        text += text.empty() ? " (" : "; ";
        text += std::string(p.symbol) + ": " + std::string(p.meaning) + ", " +
                std::to_string(p.minimum) + " to " + std::to_string(p.maximum);
    }
    return text.empty() ? text : text + ")";
}

[[noreturn]] void syntaxError(std::string_view text, const MaskPatternInfo& info,
                              const std::string& problem) {
    throw InputError("mask '" + std::string(text) + "': " + problem + "; expected " +
                     std::string(info.syntax) + parameterRanges(info));
}

void checkRange(const MaskSpec& spec, const MaskPatternInfo& info, std::string_view text) {
    for (const MaskParameterInfo& p : info.parameters) {
        const int value = spec.*p.field;
        if (value < p.minimum || value > p.maximum)
            syntaxError(text, info,
                        std::string(p.symbol) + " (" + std::string(p.meaning) + ") is " +
                            std::to_string(value) + ", outside " + std::to_string(p.minimum) +
                            " to " + std::to_string(p.maximum));
    }
}

} // namespace

std::span<const MaskPatternInfo> maskPatterns() {
    return registry();
}

const MaskPatternInfo& maskPattern(MaskKind kind) {
    for (const MaskPatternInfo& info : registry())
        if (info.kind == kind)
            return info;
    throw InputError("unknown mask kind " + std::to_string(static_cast<int>(kind)));
}

std::string maskSyntaxList() {
    std::string text;
    for (const MaskPatternInfo& info : registry())
        if (info.typed)
            text += (text.empty() ? "" : ", ") + std::string(info.syntax);
    return text;
}

std::string maskHelp() {
    std::size_t width = 0;
    for (const MaskPatternInfo& info : registry())
        width = std::max(width, info.syntax.size());
    std::string text;
    for (const MaskPatternInfo& info : registry()) {
        if (!info.typed)
            continue;
        text += std::string(info.syntax) + std::string(width + 2 - info.syntax.size(), ' ') +
                std::string(info.help) + '\n';
    }
    return text;
}

void validateMask(const MaskSpec& spec) {
    const MaskPatternInfo& info = maskPattern(spec.kind);
    checkRange(spec, info, toString(spec));
}

MaskSpec parseMask(std::string_view text) {
    const std::string_view name = text.substr(0, text.find(':'));
    const MaskPatternInfo* info = nullptr;
    for (const MaskPatternInfo& entry : registry())
        if (entry.typed && entry.name == name)
            info = &entry;
    if (!info)
        throw InputError("unknown mask '" + std::string(text) +
                         "'; choose one of: " + maskSyntaxList());
    MaskSpec spec;
    spec.kind = info->kind;
    std::string_view rest = name.size() < text.size() ? text.substr(name.size() + 1) : "";
    const bool hasParameters = name.size() < text.size();
    std::size_t count = 0;
    while (hasParameters) {
        const std::size_t colon = rest.find(':');
        const std::string_view part = rest.substr(0, colon);
        if (count == info->parameters.size())
            syntaxError(text, *info, "too many parameters");
        const MaskParameterInfo& p = info->parameters[count++];
        int value = 0;
        const auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || ec != std::errc() || ptr != part.data() + part.size())
            syntaxError(text, *info,
                        std::string(p.symbol) + " '" + std::string(part) +
                            "' is not a whole number");
        spec.*p.field = value;
        if (colon == std::string_view::npos)
            break;
        rest = rest.substr(colon + 1);
    }
    if (count != info->parameters.size())
        syntaxError(text, *info, "too few parameters");
    checkRange(spec, *info, text);
    return spec;
}

std::string toString(const MaskSpec& mask) {
    const MaskPatternInfo& info = maskPattern(mask.kind);
    std::string text(info.name);
    for (const MaskParameterInfo& p : info.parameters)
        text += ':' + std::to_string(mask.*p.field);
    return text;
}

MaskPattern::MaskPattern(const MaskSpec& spec, int nq, int nk, bool cross,
                         std::vector<bool> keyIsPadding, std::uint64_t seed)
    : m_spec(spec), m_info(&maskPattern(spec.kind)), m_nq(nq), m_nk(nk), m_seed(seed) {
    if (nq < 0 || nk < 0)
        throw InputError("the attention matrix cannot have a negative size");
    validateMask(spec);
    if (m_info->selfOnly && cross)
        throw InputError("the " + std::string(m_info->name) +
                         " mask applies to self-attention only; remove the source sentence or "
                         "choose another mask");
    if (spec.kind == MaskKind::Padding) {
        keyIsPadding.resize(static_cast<std::size_t>(nk), false);
        for (int j = 0; j < nk; ++j)
            if (!keyIsPadding[static_cast<std::size_t>(j)])
                appendRun(m_unpaddedRuns, j, Index{j} + 1, nk);
    }
    if (spec.kind == MaskKind::Custom) {
        m_blocked.resize(static_cast<std::size_t>(nq));
        for (const auto& [i, j] : spec.blocked) {
            if (i < 0 || i >= nq || j < 0 || j >= nk)
                throw InputError("masked cell (" + std::to_string(i) + ", " + std::to_string(j) +
                                 ") is outside the " + std::to_string(nq) + " × " +
                                 std::to_string(nk) + " attention matrix");
            m_blocked[static_cast<std::size_t>(i)].push_back(j);
        }
        for (auto& row : m_blocked) {
            std::sort(row.begin(), row.end());
            row.erase(std::unique(row.begin(), row.end()), row.end());
        }
    }
}

const std::vector<int>& MaskPattern::blockedKeys(int i) const {
    static const std::vector<int> none;
    return m_blocked.empty() ? none : m_blocked[static_cast<std::size_t>(i)];
}

void MaskPattern::visibleRuns(int i, std::vector<KeyRun>& runs) const {
    runs.clear();
    m_info->appendRuns(*this, i, runs);
}

void MaskPattern::visibleKeys(int i, std::vector<int>& keys) const {
    std::vector<KeyRun> runs;
    visibleRuns(i, runs);
    keys.clear();
    for (const KeyRun& run : runs)
        for (int j = run.begin; j < run.end; ++j)
            keys.push_back(j);
}

std::int64_t MaskPattern::visibleCount(int i) const {
    std::vector<KeyRun> runs;
    visibleRuns(i, runs);
    std::int64_t count = 0;
    for (const KeyRun& run : runs)
        count += run.size();
    return count;
}

std::int64_t MaskPattern::visibleCells() const {
    std::vector<KeyRun> runs;
    std::int64_t count = 0;
    for (int i = 0; i < m_nq; ++i) {
        visibleRuns(i, runs);
        for (const KeyRun& run : runs)
            count += run.size();
    }
    return count;
}

bool MaskPattern::coversEverything() const {
    if (m_spec.kind == MaskKind::None || m_nk == 0)
        return true;
    std::vector<KeyRun> runs;
    for (int i = 0; i < m_nq; ++i) {
        visibleRuns(i, runs);
        if (runs.size() != 1 || runs[0].begin != 0 || runs[0].end != m_nk)
            return false;
    }
    return true;
}

BoolMatrix MaskPattern::dense() const {
    BoolMatrix allowed = BoolMatrix::Constant(m_nq, m_nk, false);
    std::vector<KeyRun> runs;
    for (int i = 0; i < m_nq; ++i) {
        visibleRuns(i, runs);
        for (const KeyRun& run : runs)
            allowed.row(i).segment(run.begin, run.size()).setConstant(true);
    }
    return allowed;
}

void bigBirdRandomKeys(const MaskSpec& spec, int i, int nk, std::uint64_t seed,
                       std::vector<int>& keys) {
    keys.clear();
    const Index g = spec.globalTokens;
    const Index w = spec.window;
    if (i < g || spec.randomKeys <= 0)
        return;
    // Candidates: [G, min(n_k, i − W)) then [max(G, i + W + 1), n_k), in increasing order.
    const Index belowEnd = std::min<Index>(nk, i - w);
    const Index below = std::max<Index>(0, belowEnd - g);
    const Index aboveBegin = std::max<Index>(g, Index{i} + w + 1);
    const Index above = std::max<Index>(0, Index{nk} - aboveBegin);
    const Index candidates = below + above;
    const Index draws = std::min<Index>(spec.randomKeys, candidates);
    auto key = [&](Index t) {
        return static_cast<int>(t < below ? g + t : aboveBegin + t - below);
    };
    if (draws == candidates) {
        for (Index t = 0; t < candidates; ++t)
            keys.push_back(key(t));
        return;
    }
    // Floyd's sampling: `draws` distinct indices of [0, candidates), uniformly, in O(draws).
    Random rng(deriveSeed(seed, "bigbird", i));
    std::set<Index> chosen;
    for (Index t = candidates - draws; t < candidates; ++t) {
        const Index x = static_cast<Index>(rng.nextBits() % static_cast<std::uint64_t>(t + 1));
        chosen.insert(chosen.count(x) ? t : x);
    }
    for (Index t : chosen)
        keys.push_back(key(t));
}

BoolMatrix buildMask(const MaskSpec& mask, int nq, int nk, bool cross,
                     const std::vector<bool>& keyIsPadding, std::uint64_t seed) {
    return MaskPattern(mask, nq, nk, cross, keyIsPadding, seed).dense();
}

} // namespace attnlab::core
