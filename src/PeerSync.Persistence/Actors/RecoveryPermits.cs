namespace PeerSync.Persistence;

/// <summary>
/// Bounds how many persistent actors of a system recover at once (each recovery holds a database
/// connection or reader while it replays; a node starting thousands of actors would otherwise open
/// as many connections at once). Waiters are served first come, first served. A permit belongs to
/// an owner (the actor instance), and <see cref="Release"/> both returns a held permit and
/// withdraws a queued request, so an actor that stops at any point cannot leak one.
/// </summary>
internal sealed class RecoveryPermits(int max)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<(object Owner, TaskCompletionSource Granted)> _waiting = new();
    private readonly HashSet<object> _holders = new(ReferenceEqualityComparer.Instance);

    /// <summary>Permits held now.</summary>
    public int InUse
    {
        get
        {
            lock (_gate)
            {
                return _holders.Count;
            }
        }
    }

    /// <summary>Completes when <paramref name="owner"/> holds a permit (at once when one is free).</summary>
    public Task AcquireAsync(object owner)
    {
        lock (_gate)
        {
            if (_holders.Count < max && _waiting.Count == 0)
            {
                _holders.Add(owner);
                return Task.CompletedTask;
            }

            var granted = new TaskCompletionSource();
            _waiting.AddLast((owner, granted));
            return granted.Task;
        }
    }

    /// <summary>Returns <paramref name="owner"/>'s permit, or withdraws its request; does nothing when it has neither.</summary>
    public void Release(object owner)
    {
        TaskCompletionSource? next = null;
        lock (_gate)
        {
            if (!_holders.Remove(owner))
            {
                for (var node = _waiting.First; node is not null; node = node.Next)
                {
                    if (ReferenceEquals(node.Value.Owner, owner))
                    {
                        _waiting.Remove(node);
                        break;
                    }
                }

                return;
            }

            if (_waiting.First is { } first)
            {
                _waiting.RemoveFirst();
                _holders.Add(first.Value.Owner);
                next = first.Value.Granted;
            }
        }

        // Outside the lock: the waiter's continuation is posted to its own actor.
        next?.SetResult();
    }
}
