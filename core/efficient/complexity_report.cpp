#include "core/efficient/complexity_report.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <limits>

namespace attnlab::core {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Seed 004, 3.1 注意力机制对比: 类型 / 时间复杂度 / 空间复杂度 / 适用序列长度.
constexpr std::array<TutorialClaim, 3> kTable{{
    {ComplexityFamily::Dense, "standard", "标准注意力", "O(n²d)", "O(n²)", "<1000", 2.0, false, 2.0,
     false, 0, 1000},
    {ComplexityFamily::Linear, "linear", "线性注意力", "O(nd)", "O(nd)", ">10000", 1.0, false, 1.0,
     false, 10000, 0},
    {ComplexityFamily::Sparse, "sparse", "稀疏注意力", "O(n log n d)", "O(n log n)", ">1000", 1.0,
     true, 1.0, true, 1000, 0},
}};

std::string number(double value, const char* format = "%.3g") {
    if (std::isnan(value))
        return "—";
    if (std::isinf(value))
        return value > 0 ? "∞" : "−∞";
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, format, value);
    return buffer;
}

std::string exponentText(double exponent, bool log) {
    std::string text = "n^" + number(exponent, "%.2f");
    return log ? text + " log n" : text;
}

std::vector<int> fittedLengths(const ComplexitySeries& series, int minN, bool memory) {
    std::vector<int> lengths;
    for (const ComplexityPoint& point : series.points)
        if (point.measured && point.n >= minN && (!memory || point.peakBytes > 0))
            lengths.push_back(point.n);
    return lengths;
}

const ComplexityPoint* pointAt(const ComplexitySeries& series, int n) {
    for (const ComplexityPoint& point : series.points)
        if (point.n == n && point.measured)
            return &point;
    return nullptr;
}

ComplexityFinding slopeFinding(const ComplexityResult& result, const ComplexitySeries& series,
                               bool memory, const TutorialComparisonOptions& options) {
    const TutorialClaim& claim = tutorialClaimFor(series.kind.family);
    const SlopeFit& fit = memory ? series.memorySlope : series.timeSlope;
    const double exponent = memory ? claim.spaceExponent : claim.timeExponent;
    const bool log = memory ? claim.spaceLog : claim.timeLog;
    ComplexityFinding f;
    f.topic = memory ? FindingTopic::MemorySlope : FindingTopic::TimeSlope;
    f.kind = series.kind.label;
    f.claim = std::string(claim.name);
    const std::string what = memory ? "peak memory" : "time";
    const std::string claimText = std::string(memory ? claim.space : claim.time);
    f.measured = fit.slope;
    if (memory && !result.memoryMeasured) {
        f.claimed = exponent;
        f.message = f.kind + ": peak memory could not be measured on this system";
        return f;
    }
    if (fit.points < 2 || std::isnan(fit.slope)) {
        f.claimed = exponent;
        f.message = f.kind + ": fewer than two measured lengths of n ≥ " +
                    std::to_string(result.config.slopeMinN) + ", so no " + what + " slope";
        return f;
    }
    f.claimed = claimedSlope(exponent, log, fittedLengths(series, result.config.slopeMinN, memory));
    const bool agrees = std::abs(fit.slope - f.claimed) <= options.slopeTolerance;
    f.verdict = agrees ? Verdict::Agrees : Verdict::Disagrees;
    f.message = f.kind + ": " + what + " grows as n^" + number(fit.slope, "%.2f") +
                " over n = " + std::to_string(fit.minN) + "…" + std::to_string(fit.maxN) +
                "; the tutorial's " + claimText + " for " + std::string(claim.name) +
                " attention means " + exponentText(exponent, log) + " (a fitted slope of " +
                number(f.claimed, "%.2f") +
                " over these lengths): " + (agrees ? "agrees" : "disagrees");
    if (memory && series.kind.family == ComplexityFamily::Tiled && !agrees)
        f.message += " — exact attention computed tile by tile never stores the n × n weights";
    return f;
}

// The length from which `series` is faster than `dense` at every common length.
ComplexityFinding crossoverFinding(const ComplexitySeries& dense, const ComplexitySeries& series,
                                   const TutorialComparisonOptions& options) {
    const TutorialClaim& claim = tutorialClaimFor(series.kind.family);
    ComplexityFinding f;
    f.topic = FindingTopic::Crossover;
    f.kind = series.kind.label;
    f.claim = std::string(claim.name);
    f.claimed = claim.fromLength;
    f.measured = kNaN;
    std::vector<std::pair<int, bool>> common; // (n, kind faster than dense)
    for (const ComplexityPoint& point : series.points)
        if (const ComplexityPoint* d = point.measured ? pointAt(dense, point.n) : nullptr)
            common.emplace_back(point.n, point.seconds < d->seconds);
    const std::string switchText =
        "the tutorial recommends standard attention below n = 1000 and " + std::string(claim.name) +
        " attention above n = " + std::to_string(claim.fromLength);
    if (common.empty()) {
        f.message = f.kind + ": no length where both it and dense were measured; " + switchText;
        return f;
    }
    std::size_t first = common.size();
    while (first > 0 && common[first - 1].second)
        --first;
    // The table switches between 1000 (standard below) and fromLength (this kind above).
    const double low = 1000.0 / options.lengthFactor;
    const double high = claim.fromLength * options.lengthFactor;
    if (first == common.size()) {
        const int last = common.back().first;
        f.verdict = last >= high ? Verdict::Disagrees : Verdict::Inconclusive;
        f.message = f.kind + " is not faster than dense up to n = " + std::to_string(last) +
                    ", the longest length both were measured at; " + switchText + ": " +
                    (last >= high ? "disagrees" : "dense was not measured far enough to say");
        return f;
    }
    const int from = common[first].first;
    const int before = first > 0 ? common[first - 1].first : 0;
    f.measured = from;
    // The true crossover lies in (before, from].
    const bool agrees = from >= low && before <= high;
    f.verdict = agrees ? Verdict::Agrees : Verdict::Disagrees;
    f.message = f.kind + " is faster than dense from n = " + std::to_string(from) +
                (before > 0 ? " (not yet at n = " + std::to_string(before) + ")"
                            : " (the shortest length measured)") +
                "; " + switchText + ": " + (agrees ? "agrees" : "disagrees");
    return f;
}

ComplexityFinding errorFinding(const ComplexityResult& result, const ComplexitySeries& series) {
    const ApproximationError& e = *series.error;
    ComplexityFinding f;
    f.topic = FindingTopic::Error;
    f.verdict = Verdict::NotClaimed;
    f.kind = series.kind.label;
    f.claim = std::string(tutorialClaimFor(series.kind.family).name);
    f.claimed = kNaN;
    const std::string at = " at n = " + std::to_string(result.config.errorN) + ": ";
    if (std::isinf(e.meanRowKL)) {
        f.measured = e.meanRowReverseKL;
        f.message = f.kind + at + "drops " + number(100.0 * e.meanDroppedWeight, "%.1f") +
                    "% of the exact weight of a row on average (KL(approx ‖ exact) " +
                    number(e.meanRowReverseKL) + " nats), largest output difference " +
                    number(e.maxOutputDifference) + "; the tutorial states no error";
    } else {
        f.measured = e.meanRowKL;
        f.message = f.kind + at + "mean row KL(exact ‖ approx) " + number(e.meanRowKL) +
                    " nats, largest output difference " + number(e.maxOutputDifference) +
                    "; the tutorial states no error";
    }
    return f;
}

std::string csvField(const std::string& text) {
    if (text.find_first_of(",\"\n\r") == std::string::npos)
        return text;
    std::string quoted = "\"";
    for (char c : text)
        quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

std::string pad(const std::string& text, std::size_t width) {
    // Width in code points, so that "—" and "∞" line up like one character.
    std::size_t length = 0;
    for (unsigned char c : text)
        length += (c & 0xC0) != 0x80;
    return text + std::string(width > length ? width - length : 0, ' ');
}

} // namespace

std::span<const TutorialClaim> tutorialComplexityTable() {
    return kTable;
}

const TutorialClaim& tutorialClaimFor(ComplexityFamily family) {
    switch (family) {
    case ComplexityFamily::Linear:
        return kTable[1];
    case ComplexityFamily::Sparse:
        return kTable[2];
    case ComplexityFamily::Dense:
    case ComplexityFamily::Tiled:
        break;
    }
    return kTable[0];
}

double claimedSlope(double exponent, bool log, const std::vector<int>& lengths) {
    if (!log)
        return exponent;
    std::vector<double> y;
    y.reserve(lengths.size());
    for (int n : lengths)
        y.push_back(std::pow(static_cast<double>(n), exponent) *
                    std::log(std::max(2.0, static_cast<double>(n))));
    const SlopeFit fit = fitLogLogSlope(lengths, y, 1);
    return std::isnan(fit.slope) ? exponent : fit.slope;
}

std::vector<ComplexityFinding> compareWithTutorial(const ComplexityResult& result,
                                                   const TutorialComparisonOptions& options) {
    std::vector<ComplexityFinding> findings;
    const ComplexitySeries* dense = nullptr;
    for (const ComplexitySeries& series : result.series)
        if (series.kind.family == ComplexityFamily::Dense && !dense)
            dense = &series;
    for (const ComplexitySeries& series : result.series) {
        findings.push_back(slopeFinding(result, series, false, options));
        findings.push_back(slopeFinding(result, series, true, options));
        const bool approximate = series.kind.family == ComplexityFamily::Linear ||
                                 series.kind.family == ComplexityFamily::Sparse;
        if (approximate && dense)
            findings.push_back(crossoverFinding(*dense, series, options));
    }
    // The tutorial's choice for the longest inputs (n > 10000) is linear attention.
    int longest = 0;
    for (int n : result.config.sizes) {
        bool linear = false, sparse = false;
        for (const ComplexitySeries& series : result.series) {
            linear =
                linear || (series.kind.family == ComplexityFamily::Linear && pointAt(series, n));
            sparse =
                sparse || (series.kind.family == ComplexityFamily::Sparse && pointAt(series, n));
        }
        if (linear && sparse)
            longest = n;
    }
    if (longest > 0) {
        const ComplexitySeries* fastest = nullptr;
        double best = std::numeric_limits<double>::infinity();
        for (const ComplexitySeries& series : result.series) {
            const ComplexityPoint* point = pointAt(series, longest);
            const bool approximate = series.kind.family == ComplexityFamily::Linear ||
                                     series.kind.family == ComplexityFamily::Sparse;
            if (approximate && point && point->seconds < best) {
                best = point->seconds;
                fastest = &series;
            }
        }
        ComplexityFinding f;
        f.topic = FindingTopic::LongestLength;
        f.kind = fastest->kind.label;
        f.claim = "linear";
        f.claimed = 10000;
        f.measured = longest;
        const bool linear = fastest->kind.family == ComplexityFamily::Linear;
        f.verdict = longest <= 10000 ? Verdict::Inconclusive
                                     : (linear ? Verdict::Agrees : Verdict::Disagrees);
        f.message = "at n = " + std::to_string(longest) + " the fastest approximate kind is " +
                    f.kind + " (" + number(best) +
                    " s); the tutorial recommends linear attention "
                    "above n = 10000: " +
                    (longest <= 10000 ? std::string("no length above 10000 was measured for both")
                                      : std::string(linear ? "agrees" : "disagrees"));
        findings.push_back(f);
    }
    for (const ComplexitySeries& series : result.series)
        if (series.error)
            findings.push_back(errorFinding(result, series));
    return findings;
}

std::string complexityCsv(const ComplexityResult& result) {
    std::string csv = "kind,family,n,d_k,heads,measured,seconds,repetitions,peak_bytes,cells,"
                      "time_slope,memory_slope,mean_row_kl,mean_row_reverse_kl,dropped_weight,"
                      "max_output_difference,note\n";
    auto value = [](double x) {
        if (std::isinf(x))
            return std::string(x > 0 ? "inf" : "-inf"); // what spreadsheets and NumPy read
        return std::isnan(x) ? std::string() : number(x, "%.9g");
    };
    for (const ComplexitySeries& series : result.series) {
        const auto& e = series.error;
        for (const ComplexityPoint& p : series.points) {
            csv += csvField(series.kind.label) + "," + std::string(toString(series.kind.family)) +
                   "," + std::to_string(p.n) + "," + std::to_string(result.config.dK) + "," +
                   std::to_string(result.config.heads) + "," + (p.measured ? "1" : "0") + "," +
                   (p.measured ? value(p.seconds) : "") + "," + std::to_string(p.repetitions) +
                   "," + (p.peakBytes >= 0 ? std::to_string(p.peakBytes) : "") + "," +
                   std::to_string(p.workCells) + "," + value(series.timeSlope.slope) + "," +
                   value(series.memorySlope.slope) + "," + (e ? value(e->meanRowKL) : "") + "," +
                   (e ? value(e->meanRowReverseKL) : "") + "," +
                   (e ? value(e->meanDroppedWeight) : "") + "," +
                   (e ? value(e->maxOutputDifference) : "") + "," + csvField(p.note) + "\n";
        }
    }
    return csv;
}

std::string formatComplexityTable(const ComplexityResult& result,
                                  const std::vector<ComplexityFinding>& findings) {
    std::size_t kindWidth = 4;
    for (const ComplexitySeries& series : result.series)
        kindWidth = std::max(kindWidth, series.kind.label.size());
    std::string text = pad("kind", kindWidth + 2) + pad("n", 10) + pad("time (s)", 12) +
                       pad("peak (MiB)", 12) + "note\n";
    for (const ComplexitySeries& series : result.series)
        for (const ComplexityPoint& p : series.points)
            text +=
                pad(series.kind.label, kindWidth + 2) + pad(std::to_string(p.n), 10) +
                pad(p.measured ? number(p.seconds, "%.4g") : "—", 12) +
                pad(p.peakBytes >= 0 ? number(static_cast<double>(p.peakBytes) / 1048576.0, "%.1f")
                                     : "—",
                    12) +
                (p.measured ? "" : "skipped") + "\n";
    text += "\nd_k " + std::to_string(result.config.dK) + ", heads " +
            std::to_string(result.config.heads) + ", " + std::to_string(result.threads) +
            " thread(s); peak memory: " +
            (result.memoryMeasured ? result.memoryMethod : std::string("not measured")) + "\n";
    text += "\nfitted slopes (n ≥ " + std::to_string(result.config.slopeMinN) + "):\n";
    for (const ComplexitySeries& series : result.series)
        text += "  " + pad(series.kind.label, kindWidth + 2) + "time n^" +
                number(series.timeSlope.slope, "%.2f") + "   memory n^" +
                number(series.memorySlope.slope, "%.2f") + "\n";
    for (const ComplexitySeries& series : result.series)
        for (const std::string& note : series.notes)
            text += "  note: " + note + "\n";
    text += "\nthe tutorial's table (seed 004):\n";
    for (const TutorialClaim& claim : tutorialComplexityTable())
        text += "  " + pad(std::string(claim.name), 10) + pad(std::string(claim.time), 14) +
                pad(std::string(claim.space), 12) + std::string(claim.lengths) + "\n";
    text += "\nmeasurements against the table:\n";
    for (const ComplexityFinding& f : findings)
        text += "  [" + std::string(toString(f.verdict)) + "] " + f.message + "\n";
    return text;
}

std::string_view toString(ComplexityFamily family) {
    switch (family) {
    case ComplexityFamily::Dense:
        return "dense";
    case ComplexityFamily::Tiled:
        return "tiled";
    case ComplexityFamily::Sparse:
        return "sparse";
    case ComplexityFamily::Linear:
        return "linear";
    }
    return "?";
}

std::string_view toString(Verdict verdict) {
    switch (verdict) {
    case Verdict::Agrees:
        return "agrees";
    case Verdict::Disagrees:
        return "disagrees";
    case Verdict::Inconclusive:
        return "inconclusive";
    case Verdict::NotClaimed:
        return "not claimed";
    }
    return "?";
}

} // namespace attnlab::core
