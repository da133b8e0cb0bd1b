// Counts every global operator new in a test binary, to prove a path
// allocates nothing. Link `xdpxe_alloc_counter` into that binary only (it
// replaces the global allocator for the whole program):
//
//   long before = xdpxe::testing::AllocationCount();
//   responder.Handle(d, sink);
//   EXPECT_EQ(xdpxe::testing::AllocationCount(), before);
#ifndef XDPXE_TESTS_TESTING_ALLOC_COUNTER_H_
#define XDPXE_TESTS_TESTING_ALLOC_COUNTER_H_

namespace xdpxe::testing {

// Calls of operator new / new[] so far, in any thread.
long AllocationCount();

}  // namespace xdpxe::testing

#endif  // XDPXE_TESTS_TESTING_ALLOC_COUNTER_H_
