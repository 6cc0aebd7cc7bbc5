namespace PeerSync.Remote.Links;

/// <summary>What a <see cref="PeerLinkMachine"/> asks of its host: effects in order, and notices for the log.</summary>
public sealed record PeerLinkReady(IReadOnlyList<LinkEffect> Effects, IReadOnlyList<string> Notices)
{
    public static PeerLinkReady Empty { get; } = new([], []);
}
