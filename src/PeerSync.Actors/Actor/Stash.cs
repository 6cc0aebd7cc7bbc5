namespace PeerSync.Actors;

/// <summary>
/// Implemented by actors that need to set messages aside (e.g. while waiting for recovery); the
/// runtime assigns <see cref="Stash"/> right after the constructor, before PreStart.
/// </summary>
public interface IWithStash
{
    IStash Stash { get; set; }
}

/// <summary>
/// Messages set aside by an actor, bounded (see <see cref="ActorSystemSettings.StashCapacity"/>).
/// Stashed messages survive a restart (they go back to the mailbox) and become dead letters when
/// the actor stops.
/// </summary>
public interface IStash
{
    int Count { get; }

    int Capacity { get; }

    /// <summary>Sets the current message aside. Throws <see cref="StashOverflowException"/> when full.</summary>
    void Stash();

    /// <summary>Puts the oldest stashed message back in front of the mailbox.</summary>
    void Unstash();

    /// <summary>Puts every stashed message back in front of the mailbox, oldest first.</summary>
    void UnstashAll();
}

internal sealed class ActorStash(ActorCell cell, int capacity) : IStash
{
    private readonly LinkedList<Envelope> _messages = new();

    public int Count => _messages.Count;

    public int Capacity { get; } = capacity;

    public void Stash()
    {
        var current = cell.CurrentEnvelope;
        if (current.Message is null)
        {
            throw new InvalidOperationException("Stash() can only be called while processing a message");
        }

        if (_messages.Last is { } last && ReferenceEquals(last.Value.Message, current.Message) && Equals(last.Value.Sender, current.Sender))
        {
            throw new InvalidOperationException($"the same {current.Message.GetType().Name} was stashed twice");
        }

        if (_messages.Count >= Capacity)
        {
            throw new StashOverflowException(
                $"the stash of {cell.Self.Path.ToStringWithoutAddress()} is full ({Capacity} messages); cannot stash a {current.Message.GetType().Name}");
        }

        _messages.AddLast(current);
    }

    public void Unstash()
    {
        if (_messages.First is { } first)
        {
            _messages.RemoveFirst();
            cell.Mailbox.Prepend([first.Value]);
        }
    }

    public void UnstashAll()
    {
        if (_messages.Count == 0)
        {
            return;
        }

        var all = _messages.ToArray();
        _messages.Clear();
        cell.Mailbox.Prepend(all);
    }

    /// <summary>Removes everything; used when the actor stops.</summary>
    public Envelope[] Drain()
    {
        var all = _messages.ToArray();
        _messages.Clear();
        return all;
    }
}
