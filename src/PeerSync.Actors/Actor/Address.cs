namespace PeerSync.Actors;

/// <summary>
/// Where an actor system lives. A local-only system has no host and port; a system reachable over
/// the network carries the endpoint it advertises, so paths of its actors can be resolved remotely.
/// </summary>
public sealed record Address(string Protocol, string System, string? Host = null, int? Port = null)
{
    public const string LocalProtocol = "peersync";

    public bool HasGlobalScope => Host is not null;

    public static Address Local(string system) => new(LocalProtocol, system);

    public override string ToString() =>
        Host is null ? $"{Protocol}://{System}" : $"{Protocol}://{System}@{FormatHost(Host)}:{Port}";

    private static string FormatHost(string host) => host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host;
}
