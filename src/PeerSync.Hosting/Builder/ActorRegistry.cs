using System.Collections.Concurrent;
using PeerSync.Actors;

namespace PeerSync.Hosting;

/// <summary>
/// The application's top-level actors by key type, as in Akka.Hosting: registered while the node
/// starts (<see cref="PeerSyncBuilder.WithActors(Action{ActorSystem, ActorRegistry})"/>), looked up
/// from any service afterwards. A key type is usually an empty marker class per actor.
/// </summary>
public sealed class ActorRegistry
{
    private readonly ConcurrentDictionary<Type, IActorRef> _actors = new();

    /// <summary>Registers <paramref name="actor"/> under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="InvalidOperationException">An actor is registered under that key already.</exception>
    public void Register<TKey>(IActorRef actor)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (!_actors.TryAdd(typeof(TKey), actor))
        {
            throw new InvalidOperationException($"an actor is registered under {typeof(TKey).Name} already ({_actors[typeof(TKey)].Path}); use one key type per actor");
        }
    }

    public bool TryGet<TKey>(out IActorRef actor) => _actors.TryGetValue(typeof(TKey), out actor!);

    /// <summary>The actor registered under <typeparamref name="TKey"/>.</summary>
    /// <exception cref="KeyNotFoundException">None is; the message lists the keys that are.</exception>
    public IActorRef Get<TKey>() =>
        TryGet<TKey>(out var actor)
            ? actor
            : throw new KeyNotFoundException(
                $"no actor is registered under {typeof(TKey).Name}; registered: {(_actors.IsEmpty ? "none" : string.Join(", ", _actors.Keys.Select(k => k.Name).Order(StringComparer.Ordinal)))}. Register it in AddPeerSync(...).WithActors");
}
