namespace PeerSync.Remote.Links;

/// <summary>
/// The last <see cref="WakeSeq"/> a link handled. The links actor creates one per link and hands it
/// to every instance of that link's actor, so it survives a restart of the link: a restarted link
/// that reported a number from before its restart would have its later LinkStopped taken as stale,
/// and the links actor would never count it dormant. Only the link's actor touches it.
/// </summary>
internal sealed class HandledWakes
{
    public WakeSeq Latest { get; private set; }

    /// <summary>Records <paramref name="wake"/>; the links actor numbers in order and the mailbox keeps that order.</summary>
    public void Handled(WakeSeq wake)
    {
        if (wake < Latest)
        {
            // A violated invariant, not a condition to live with: the links actor would misjudge the link.
            throw new InvalidOperationException($"invariant violated: wake {wake} handled after wake {Latest}; the links actor numbers wakes in order");
        }

        Latest = wake;
    }
}
