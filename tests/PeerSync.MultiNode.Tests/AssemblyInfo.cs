// The failure detector runs on real time: tests running side by side on a 2-core machine would
// steal each other's heartbeats' CPU. One multi-node test at a time.
[assembly: Xunit.CollectionBehavior(DisableTestParallelization = true)]
