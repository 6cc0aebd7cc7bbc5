namespace PeerSync.Hosting.Tests.Api;

/// <summary>
/// Tests that run real nodes share one collection: failure detection runs on real time, and nodes
/// of parallel tests on a 2-core machine would steal each other's heartbeats' CPU.
/// </summary>
[CollectionDefinition(Collection)]
public sealed class RealNodes
{
    public const string Collection = "real nodes";
}
