namespace PeerSync.Hosting.Api.Node;

/// <summary>A cluster event subscriber fell too far behind and was cut off; reconnecting gives a fresh snapshot.</summary>
public sealed class ClusterEventsOverflowException(int capacity)
    : Exception($"the cluster event subscriber fell {capacity} events behind and was cut off; subscribe again for a fresh snapshot");
