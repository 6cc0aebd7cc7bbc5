namespace PeerSync.Actors;

internal sealed partial class ActorCell
{
    // The parent's own turn and outside callers (system.ActorOf, system.Stop, the hierarchy view)
    // both touch the children, so they live behind a lock.
    private readonly object _childrenLock = new();
    private readonly Dictionary<string, ChildEntry> _children = new(StringComparer.Ordinal);
    private long _nextGeneratedName;

    public IReadOnlyCollection<IActorRef> Children
    {
        get
        {
            lock (_childrenLock)
            {
                return _children.Values.Select(c => (IActorRef)c.Ref).ToArray();
            }
        }
    }

    public IActorRef? Child(string name)
    {
        lock (_childrenLock)
        {
            return _children.TryGetValue(name, out var entry) ? entry.Ref : null;
        }
    }

    public IActorRef ActorOf(Props props, string? name = null) => CreateChild(props, name, reservedAllowed: false);

    internal LocalActorRef CreateChild(Props props, string? name, bool reservedAllowed)
    {
        ArgumentNullException.ThrowIfNull(props);
        if (_isTerminated)
        {
            throw new InvalidOperationException($"cannot create a child of {_self.Path}: it has stopped");
        }

        ActorCell cell;
        ChildEntry entry;
        lock (_childrenLock)
        {
            if (name is null)
            {
                name = GenerateName();
            }
            else
            {
                ActorNames.Validate(name, reservedAllowed);
            }

            if (_children.ContainsKey(name))
            {
                throw new InvalidActorNameException($"actor name '{name}' is not unique under {_self.Path.ToStringWithoutAddress()}");
            }

            var path = _self.Path.Child(name, System.NextUid());
            cell = new ActorCell(System, path, props, _self, System.Dispatcher);
            entry = new ChildEntry(cell.SelfRef);
            _children.Add(name, entry);
        }

        cell.Start();
        if (_isTerminating)
        {
            // Created from outside while this actor stops: it must not outlive its parent.
            StopChild(entry);
        }

        return cell.SelfRef;
    }

    public void Stop(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.Equals(Self))
        {
            _self.SendSystemMessage(new TerminateActor());
            return;
        }

        var entry = FindChild(actor);
        if (entry is not null)
        {
            StopChild(entry);
        }
        else if (actor is IInternalActorRef other)
        {
            other.SendSystemMessage(new TerminateActor());
        }
    }

    internal ActorHierarchyNode Snapshot()
    {
        ChildEntry[] children;
        lock (_childrenLock)
        {
            children = [.. _children.Values];
        }

        var nodes = children
            .Select(c => c.Ref.Cell.Snapshot())
            .OrderBy(n => n.Name, StringComparer.Ordinal)
            .ToArray();
        return new ActorHierarchyNode(
            _self.Path.Name,
            _self.Path.ToStringWithoutAddress(),
            Props.ActorType.FullName ?? Props.ActorType.Name,
            Mailbox.Count,
            nodes);
    }

    internal LocalActorRef? FindChildByName(string name)
    {
        lock (_childrenLock)
        {
            return _children.TryGetValue(name, out var entry) ? entry.Ref : null;
        }
    }

    private ChildEntry? FindChild(IActorRef actor)
    {
        lock (_childrenLock)
        {
            return _children.TryGetValue(actor.Path.Name, out var entry) && entry.Ref.Equals(actor) ? entry : null;
        }
    }

    private ChildEntry[] ChildEntries()
    {
        lock (_childrenLock)
        {
            return [.. _children.Values];
        }
    }

    private void StopChild(ChildEntry entry)
    {
        lock (_childrenLock)
        {
            entry.Stopping = true;
        }

        entry.Ref.SendSystemMessage(new TerminateActor());
    }

    /// <summary>Asks every child to stop; false when there were none.</summary>
    private bool StopAllChildren()
    {
        var children = ChildEntries();
        foreach (var child in children)
        {
            StopChild(child);
        }

        return children.Length > 0;
    }

    private bool AnyChildStopping()
    {
        lock (_childrenLock)
        {
            return _children.Values.Any(c => c.Stopping);
        }
    }

    private void OnChildTerminated(LocalActorRef child)
    {
        bool noneLeft;
        bool noneStopping;
        lock (_childrenLock)
        {
            if (_children.TryGetValue(child.Path.Name, out var entry) && entry.Ref.Equals(child))
            {
                _children.Remove(child.Path.Name);
            }

            noneLeft = _children.Count == 0;
            noneStopping = !_children.Values.Any(c => c.Stopping);
        }

        if (_isTerminating)
        {
            if (noneLeft)
            {
                FinishTerminate();
            }
        }
        else if (_awaitingRecreate && noneStopping)
        {
            FinishRecreate(_recreateCause!);
        }
    }

    private string GenerateName()
    {
        // $a, $b, ... $z, $ba, ...: short, unique within this parent, never reused.
        var n = _nextGeneratedName++;
        Span<char> buffer = stackalloc char[16];
        var i = buffer.Length;
        do
        {
            buffer[--i] = (char)('a' + (n % 26));
            n /= 26;
        }
        while (n > 0);

        buffer[--i] = '$';
        return new string(buffer[i..]);
    }
}
