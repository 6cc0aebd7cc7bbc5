namespace PeerSync.Actors;

/// <summary>
/// Decides where and when a mailbox with pending messages runs. Each run processes the system
/// messages and up to <see cref="ActorSystemSettings.Throughput"/> user messages, then yields so
/// one busy actor cannot starve the others.
/// </summary>
public abstract class MessageDispatcher
{
    /// <summary>
    /// Set while running turns should end at the next message (a pause was asked for): a mailbox
    /// then stops its turn and is scheduled again, so the dispatcher decides when it goes on.
    /// </summary>
    private protected volatile bool _yieldRequested;

    internal bool YieldRequested => _yieldRequested;

    internal abstract void Schedule(Mailbox mailbox);
}

/// <summary>The default: mailboxes run as work items on the .NET thread pool.</summary>
internal sealed class ThreadPoolDispatcher : MessageDispatcher
{
    public static readonly ThreadPoolDispatcher Instance = new();

    internal override void Schedule(Mailbox mailbox) => ThreadPool.UnsafeQueueUserWorkItem(mailbox, preferLocal: false);
}
