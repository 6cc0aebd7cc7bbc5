namespace PeerSync.Actors;

public sealed partial class ActorSystem
{
    private Func<ActorPath, IActorRef?>? _remoteResolver;

    /// <summary>
    /// Installs how paths of other systems are turned into refs. The remote layer calls this once;
    /// without it only this system's paths resolve.
    /// </summary>
    public void SetRemoteResolver(Func<ActorPath, IActorRef?> resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (Interlocked.CompareExchange(ref _remoteResolver, resolver, null) is not null)
        {
            throw new InvalidOperationException("a remote resolver is already installed");
        }
    }

    /// <summary>The ref for a path of this or (with remoting) another system; null when it resolves to nothing.</summary>
    public IActorRef? ResolveActorRef(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Address.Equals(Address) || path.Address.System == Name && !path.Address.HasGlobalScope)
        {
            return ResolveLocal(path);
        }

        return _remoteResolver?.Invoke(path);
    }

    /// <summary>
    /// The live actor of this system at <paramref name="path"/> (address ignored); null when none.
    /// A non-zero uid must match, so a ref to an earlier actor at the same path does not resolve
    /// to its successor.
    /// </summary>
    public IActorRef? ResolveLocal(ActorPath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var elements = path.Elements;
        if (elements.Count == 0)
        {
            return _root.SelfRef;
        }

        IInternalActorRef? found;
        switch (elements[0])
        {
            case "deadLetters" when elements.Count == 1:
                return _deadLetters;
            case "temp" when elements.Count == 2:
                found = _tempActors.TryGetValue(elements[1], out var temp) ? temp : null;
                break;
            default:
                var cell = _root;
                LocalActorRef? current = null;
                foreach (var element in elements)
                {
                    current = cell.FindChildByName(element);
                    if (current is null)
                    {
                        return null;
                    }

                    cell = current.Cell;
                }

                found = current is { IsTerminated: false } ? current : null;
                break;
        }

        return found is not null && (path.Uid == 0 || found.Path.Uid == path.Uid) ? found : null;
    }
}
