using System.Collections.Concurrent;

namespace PeerSync.Actors;

/// <summary>
/// Publish/subscribe by type within one actor system: a subscriber to a type receives every event
/// assignable to it. Actor subscriptions end when the actor stops. Callback subscriptions (for
/// code outside actors) run on the publisher's thread and end when disposed.
/// </summary>
public sealed class EventStream
{
    private readonly object _lock = new();

    // Subscribers and the per-event-type lookup built from them are swapped together, so a
    // publisher never caches a lookup computed from an older list.
    private volatile State _state = new([]);

    private Subscriber[] Current => _state.Subscribers;

    public bool Subscribe(IActorRef subscriber, Type channel)
    {
        ArgumentNullException.ThrowIfNull(subscriber);
        ArgumentNullException.ThrowIfNull(channel);
        lock (_lock)
        {
            if (Current.Any(s => s.Actor is not null && s.Actor.Equals(subscriber) && s.Channel == channel))
            {
                return false;
            }

            Replace([.. Current, new Subscriber(channel, subscriber, null)]);
            return true;
        }
    }

    public bool Subscribe<T>(IActorRef subscriber) => Subscribe(subscriber, typeof(T));

    /// <summary>Runs <paramref name="handler"/> for each event of type <typeparamref name="T"/> until disposed.</summary>
    public IDisposable Subscribe<T>(Action<T> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        var subscriber = new Subscriber(typeof(T), null, e => handler((T)e));
        lock (_lock)
        {
            Replace([.. Current, subscriber]);
        }

        return new Subscription(this, subscriber);
    }

    public bool Unsubscribe(IActorRef subscriber, Type channel)
    {
        lock (_lock)
        {
            var remaining = Current.Where(s => !(s.Actor is not null && s.Actor.Equals(subscriber) && s.Channel == channel)).ToArray();
            var removed = remaining.Length != Current.Length;
            Replace(remaining);
            return removed;
        }
    }

    public void UnsubscribeAll(IActorRef subscriber)
    {
        lock (_lock)
        {
            if (Current.Any(s => s.Actor is not null && s.Actor.Equals(subscriber)))
            {
                Replace(Current.Where(s => s.Actor is null || !s.Actor.Equals(subscriber)).ToArray());
            }
        }
    }

    public void Publish(object @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var state = _state;
        var subscribers = state.ByEventType.GetOrAdd(@event.GetType(), state.Match);
        foreach (var s in subscribers)
        {
            if (s.Actor is not null)
            {
                s.Actor.Tell(@event, null);
            }
            else
            {
                s.Callback!(@event);
            }
        }
    }

    // Called under _lock.
    private void Replace(Subscriber[] subscribers) => _state = new State(subscribers);

    private void Remove(Subscriber subscriber)
    {
        lock (_lock)
        {
            Replace(Current.Where(s => !ReferenceEquals(s, subscriber)).ToArray());
        }
    }

    private sealed class State(Subscriber[] subscribers)
    {
        public Subscriber[] Subscribers { get; } = subscribers;

        public ConcurrentDictionary<Type, Subscriber[]> ByEventType { get; } = new();

        public Subscriber[] Match(Type eventType) => Subscribers.Where(s => s.Channel.IsAssignableFrom(eventType)).ToArray();
    }

    private sealed record Subscriber(Type Channel, IActorRef? Actor, Action<object>? Callback);

    private sealed class Subscription(EventStream stream, Subscriber subscriber) : IDisposable
    {
        public void Dispose() => stream.Remove(subscriber);
    }
}
