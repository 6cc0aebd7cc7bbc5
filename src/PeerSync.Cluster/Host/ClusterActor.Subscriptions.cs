using System.Collections.Immutable;
using PeerSync.Actors;
using PeerSync.Cluster.Membership;

namespace PeerSync.Cluster.Host;

/// <summary>Subscribers with initial state: the current state first, then every change, from this actor (so nothing is missed or repeated in between).</summary>
internal sealed partial class ClusterActor
{
    private readonly Dictionary<IActorRef, ImmutableArray<Type>> _subscribers = [];

    private void OnSubscribe(SubscribeClusterEvents subscribe)
    {
        var subscriber = subscribe.Subscriber;
        if (!_subscribers.ContainsKey(subscriber))
        {
            Context.Watch(subscriber);
        }

        _subscribers[subscriber] = subscribe.Types;
        var current = _machine.CurrentState;
        if (subscribe.Mode == InitialStateMode.AsSnapshot)
        {
            subscriber.Tell(current, Self);
        }
        else
        {
            foreach (var e in ClusterStateSnapshot.Diff(ClusterStateSnapshot.Empty(_self.Node), current))
            {
                if (Matches(subscribe.Types, e))
                {
                    subscriber.Tell(e, Self);
                }
            }
        }

        if (_stopped is not null && Matches(subscribe.Types, _stopped))
        {
            subscriber.Tell(_stopped, Self);
        }
    }

    private void RemoveSubscriber(IActorRef subscriber)
    {
        if (_subscribers.Remove(subscriber))
        {
            Context.Unwatch(subscriber);
        }
    }

    private void Notify(object e)
    {
        foreach (var (subscriber, types) in _subscribers)
        {
            if (Matches(types, e))
            {
                subscriber.Tell(e, Self);
            }
        }
    }

    private static bool Matches(ImmutableArray<Type> types, object e)
    {
        foreach (var type in types)
        {
            if (type.IsInstanceOfType(e))
            {
                return true;
            }
        }

        return false;
    }
}
