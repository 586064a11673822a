#include "core/io/lesson_complexity.h"

#include "core/base/types.h"

#include <set>

namespace attnlab::core {
namespace {

constexpr int kMinLength = 2; // the page's smallest length: one token has no growth to show
constexpr int kMaxLength = 10'000'000;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;

int boundedAt(const json::Value& value, const std::string& where, int low, int high,
              std::string_view what) {
    const int number = json::integerAt(value, where);
    if (number < low || number > high)
        throw InputError(where + ": " + std::string(what) + " must be from " + std::to_string(low) +
                         " to " + std::to_string(high) + ", not " + std::to_string(number));
    return number;
}

std::vector<ComplexityKind> kindsAt(const json::Value& value, const std::string& where) {
    if (!value.is_array() || value.empty())
        throw InputError(where + ": expected a non-empty array of kinds such as [\"dense\", "
                                 "\"tiled\", \"window:32\", \"linear:elu\"]");
    std::vector<ComplexityKind> kinds;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const std::string here = json::elementPath(where, i);
        const std::string& text = json::stringAt(value[i], here);
        if (text.find(',') != std::string::npos) {
            std::string message = here;
            message += ": one kind per item; write \"";
            message += text;
            message += "\" as several items";
            throw InputError(message);
        }
        std::vector<ComplexityKind> parsed;
        try {
            parsed = parseComplexityKinds(text);
        } catch (const InputError& error) {
            throw InputError(here + ": " + error.what());
        }
        if (!seen.insert(parsed.front().label).second)
            throw InputError(here + ": the kind " + parsed.front().label + " is listed twice");
        kinds.push_back(std::move(parsed.front()));
    }
    return kinds;
}

std::vector<int> sizesAt(const json::Value& value, const std::string& where) {
    if (!value.is_array() || value.empty())
        throw InputError(where + ": expected a non-empty array of lengths such as [256, 1024, "
                                 "4096]");
    std::vector<int> sizes;
    for (std::size_t i = 0; i < value.size(); ++i)
        sizes.push_back(
            boundedAt(value[i], json::elementPath(where, i), kMinLength, kMaxLength, "a length"));
    return sizes;
}

} // namespace

std::vector<std::string> SessionComplexity::labels() const {
    std::vector<std::string> out;
    for (const ComplexityKind& kind : kinds)
        out.push_back(kind.label);
    return out;
}

bool SessionComplexity::operator==(const SessionComplexity& other) const {
    return labels() == other.labels() && sizes == other.sizes && dK == other.dK &&
           heads == other.heads && denseBudgetMiB == other.denseBudgetMiB;
}

SessionComplexity parseSessionComplexity(const json::Value& value, const std::string& where) {
    if (!value.is_object())
        throw InputError(where +
                         ": expected an object such as {\"kinds\": [\"dense\", \"tiled\"], "
                         "\"n\": [256, 1024, 4096]}, found " +
                         std::string(json::typeName(value)));
    SessionComplexity complexity;
    bool haveKinds = false, haveSizes = false;
    for (const auto& [key, member] : value.items()) {
        const std::string here = json::memberPath(where, key);
        if (key == "kinds") {
            complexity.kinds = kindsAt(member, here);
            haveKinds = true;
        } else if (key == "n") {
            complexity.sizes = sizesAt(member, here);
            haveSizes = true;
        } else if (key == "d_k") {
            complexity.dK = boundedAt(member, here, 1, 1024, "d_k");
        } else if (key == "heads") {
            complexity.heads = boundedAt(member, here, 1, 64, "the number of heads");
        } else if (key == "dense_budget_mib") {
            complexity.denseBudgetMiB =
                boundedAt(member, here, 1, 65536, "the dense memory budget in MiB");
        } else {
            throw InputError(here + ": unknown member; the Complexity page's members are kinds, "
                                    "n, d_k, heads and dense_budget_mib");
        }
    }
    if (!haveKinds)
        throw InputError(where + ": the member \"kinds\" is missing (the kinds of attention to "
                                 "measure, such as [\"dense\", \"linear:elu\"])");
    if (!haveSizes)
        throw InputError(where + ": the member \"n\" is missing (the lengths to measure, such as "
                                 "[256, 1024, 4096])");
    return complexity;
}

void writeSessionComplexity(json::Writer& out, const SessionComplexity& complexity) {
    out.beginObject();
    out.key("kinds");
    out.stringArray(complexity.labels());
    out.key("n");
    out.integerArray(complexity.sizes);
    out.key("d_k");
    out.integer(complexity.dK);
    out.key("heads");
    out.integer(complexity.heads);
    out.key("dense_budget_mib");
    out.integer(complexity.denseBudgetMiB);
    out.endObject();
}

ComplexityConfig complexityConfigOf(const SessionComplexity& complexity) {
    return pageComplexityConfig(complexity.kinds, complexity.sizes, complexity.dK, complexity.heads,
                                complexity.denseBudgetMiB * kMiB);
}

SessionComplexity sessionComplexityOf(const ComplexityConfig& config) {
    const auto check = [](bool holds, const std::string& what) {
        if (!holds)
            throw InputError("complexity: " + what);
    };
    check(!config.kinds.empty(), "choose at least one kind of attention");
    check(!config.sizes.empty(), "choose at least one length n");
    for (int n : config.sizes)
        check(n >= kMinLength && n <= kMaxLength,
              "every length must be from 2 to 10000000, not " + std::to_string(n));
    check(config.dK >= 1 && config.dK <= 1024, "d_k must be from 1 to 1024");
    check(config.heads >= 1 && config.heads <= 64, "the number of heads must be from 1 to 64");
    check(config.denseBudgetBytes % kMiB == 0 && config.denseBudgetBytes >= kMiB &&
              config.denseBudgetBytes <= 65536 * kMiB,
          "the dense budget must be a whole number of MiB from 1 to 65536");
    SessionComplexity complexity;
    complexity.kinds = config.kinds;
    complexity.sizes = config.sizes;
    complexity.dK = config.dK;
    complexity.heads = config.heads;
    complexity.denseBudgetMiB = static_cast<int>(config.denseBudgetBytes / kMiB);
    return complexity;
}

} // namespace attnlab::core
