// Every test runs three node processes on loopback with real-time failure detection: tests side by
// side on a 2-core machine would starve each other's heartbeats. One test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
