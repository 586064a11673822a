#pragma once
// EXPECT_EIGEN_NEAR(a, b, tol): compares two matrices element-wise and prints both, by name,
// when their shapes differ or any entry is further apart than tol (relative for large values).

#include <Eigen/Core>
#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

namespace attnlab::testing {

template <typename A, typename B>
::testing::AssertionResult eigenNear(const char* aExpr, const char* bExpr, const char*,
                                     const Eigen::MatrixBase<A>& a, const Eigen::MatrixBase<B>& b,
                                     double tolerance) {
    if (a.rows() != b.rows() || a.cols() != b.cols()) {
        return ::testing::AssertionFailure()
               << aExpr << " is " << a.rows() << "×" << a.cols() << " but " << bExpr << " is "
               << b.rows() << "×" << b.cols();
    }
    for (Eigen::Index r = 0; r < a.rows(); ++r) {
        for (Eigen::Index c = 0; c < a.cols(); ++c) {
            const double x = static_cast<double>(a(r, c));
            const double y = static_cast<double>(b(r, c));
            if (std::isinf(x) && std::isinf(y) && (x > 0) == (y > 0))
                continue;
            const double allowed = tolerance * std::max(1.0, std::max(std::abs(x), std::abs(y)));
            if (!(std::abs(x - y) <= allowed)) {
                std::ostringstream out;
                out << aExpr << " and " << bExpr << " differ at (" << r << ", " << c << "): " << x
                    << " vs " << y << "\n"
                    << aExpr << " =\n"
                    << a << "\n"
                    << bExpr << " =\n"
                    << b;
                return ::testing::AssertionFailure() << out.str();
            }
        }
    }
    return ::testing::AssertionSuccess();
}

} // namespace attnlab::testing

#define EXPECT_EIGEN_NEAR(a, b, tol) EXPECT_PRED_FORMAT3(::attnlab::testing::eigenNear, a, b, tol)
#define ASSERT_EIGEN_NEAR(a, b, tol) ASSERT_PRED_FORMAT3(::attnlab::testing::eigenNear, a, b, tol)
