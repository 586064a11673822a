#pragma once
#include "test_support.h" // EXPECT_EIGEN_NEAR moved there; include test_support.h in new tests
