using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Links;

/// <summary>
/// The links actor's view of which of its links are dormant, as a pure class (see
/// docs/design/remote-links.md, "Link supervision"). A link wakes only on a message the links actor
/// tells it (a session offer, a connect), so the links actor numbers those (<see cref="NextWake"/>)
/// and each <see cref="LinkStopped"/> carries the last number the link had handled. A report with
/// an older number than the last one sent is stale: a wake was on its way when the link stopped, and
/// the link, dormant when it handles that wake, starts again. A link is dormant exactly when its
/// latest report carries the last number sent to it.
/// </summary>
internal sealed class LinkRoster
{
    private readonly Dictionary<NodeId, Entry> _links = [];

    /// <summary>How many links there are, dormant or running.</summary>
    public int Count => _links.Count;

    /// <summary>True when every link is dormant (also when there is none).</summary>
    public bool AllDormant => _links.Values.All(e => e.IsDormant);

    /// <summary>A new link for <paramref name="peer"/>: it starts running.</summary>
    public void Add(NodeId peer)
    {
        if (!_links.TryAdd(peer, new Entry()))
        {
            throw new ArgumentException($"the roster already has a link for {peer}", nameof(peer));
        }
    }

    /// <summary>The link of <paramref name="peer"/> is gone (stopped for good); a later link for it starts from scratch.</summary>
    public void Remove(NodeId peer) => _links.Remove(peer);

    public bool Contains(NodeId peer) => _links.ContainsKey(peer);

    public bool IsDormant(NodeId peer) => Find(peer).IsDormant;

    /// <summary>
    /// The number for a message about to be told to the link of <paramref name="peer"/> that wakes it
    /// if it is dormant; from now on the link counts as running until it reports this number stopped.
    /// </summary>
    public WakeSeq NextWake(NodeId peer)
    {
        var entry = Find(peer);
        entry.Sent = entry.Sent.Next();
        return entry.Sent;
    }

    /// <summary>
    /// The link of <paramref name="peer"/> reported it stopped after handling wake
    /// <paramref name="handled"/>. Returns whether it now counts as dormant; false means the report
    /// is stale (a wake sent later will start the link again) and changes nothing.
    /// </summary>
    public bool Stopped(NodeId peer, WakeSeq handled)
    {
        var entry = Find(peer);
        if (handled > entry.Sent)
        {
            throw new InvalidOperationException($"invariant violated: the link to {peer} reported wake {handled} handled, but only {entry.Sent} were sent");
        }

        if (handled < entry.Sent)
        {
            return false;
        }

        entry.StoppedAt = handled;
        return true;
    }

    private Entry Find(NodeId peer) =>
        _links.TryGetValue(peer, out var entry) ? entry : throw new ArgumentException($"the roster has no link for {peer}", nameof(peer));

    private sealed class Entry
    {
        public WakeSeq Sent { get; set; }

        /// <summary>The wake number of the latest report counted; null while the link never stopped.</summary>
        public WakeSeq? StoppedAt { get; set; }

        public bool IsDormant => StoppedAt == Sent;
    }
}
