using Google.Protobuf;
using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Addressing;
using PeerSync.Remote.Endpoints;
using PeerSync.Remote.Links.Wire;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Refs;

namespace PeerSync.Remote;

public sealed partial class Remoting
{
    /// <summary>Tell to a remote ref: serialize now, then hand to the node's link (or the address's buffer).</summary>
    internal void Send(RemoteActorRef recipient, object message, IActorRef? sender)
    {
        if (TryEncode(recipient, message, sender, out var envelope, out var failure, out var reason))
        {
            recipient.Endpoint.Enqueue(in envelope);
        }
        else
        {
            DeadLetter(message, sender, recipient, failure, reason);
        }
    }

    /// <summary>Serializes a user message for <paramref name="recipient"/>; false with the reason when it cannot go on the wire.</summary>
    internal bool TryEncode(RemoteActorRef recipient, object message, IActorRef? sender, out OutboundEnvelope envelope, out RemoteDeliveryFailure failure, out string reason)
    {
        byte[] bytes;
        int serializerId;
        string manifest;
        try
        {
            bytes = _serialization.Serialize(message, out serializerId, out manifest);
        }
        catch (PayloadSerializationException ex)
        {
            envelope = default;
            (failure, reason) = (RemoteDeliveryFailure.Unserializable, ex.Message);
            return false;
        }

        var senderChars = sender switch
        {
            null => 0,
            RemoteActorRef remote => remote.PathText.Length,
            _ => sender.Path.ToString().Length + 21,
        };
        var bound = BatchLayout.UserEntryBound(recipient.PathText.Length, senderChars, manifest.Length, bytes.Length);
        if (bound > _maxEntryBytes)
        {
            envelope = default;
            failure = RemoteDeliveryFailure.TooLarge;
            reason = $"the message takes up to {bound} bytes on the wire ({bytes.Length} bytes serialized) but max-frame-size is {Options.MaxFrameSizeBytes}";
            return false;
        }

        envelope = new OutboundEnvelope(recipient, sender, message, serializerId, manifest, bytes, isSystem: false, bound);
        (failure, reason) = (default, "");
        return true;
    }

    /// <summary>Sends a death-watch message to the node of <paramref name="target"/>, sequenced with its user messages.</summary>
    internal void SendSystem(RemoteActorRef target, object original, RemoteSystemMessage body)
    {
        var bytes = body.ToByteArray();
        target.Endpoint.Enqueue(new OutboundEnvelope(
            target, null, original, 0, "", bytes, isSystem: true, BatchLayout.SystemEntryBound(bytes.Length)));
    }

    /// <summary>
    /// An outbound entry that cannot be delivered: a dead letter (user) or a watcher told its
    /// watchee is gone (system).
    /// </summary>
    internal void Undeliverable(in OutboundEnvelope envelope, RemoteDeliveryFailure failure, string reason) =>
        Undeliverable(envelope.IsSystem, envelope.Message, envelope.Sender, envelope.Recipient, failure, reason);

    /// <inheritdoc cref="Undeliverable(in OutboundEnvelope, RemoteDeliveryFailure, string)"/>
    internal void Undeliverable(in LogEntry entry, RemoteDeliveryFailure failure, string reason) =>
        Undeliverable(entry.IsSystem, entry.Message!, entry.Sender, (RemoteActorRef)entry.Recipient!, failure, reason);

    private void Undeliverable(bool isSystem, object message, IActorRef? sender, RemoteActorRef recipient, RemoteDeliveryFailure failure, string reason)
    {
        if (!isSystem)
        {
            DeadLetter(message, sender, recipient, failure, reason);
        }
        else
        {
            Metrics.DeadLetter(failure);
            if (message is Watch watch)
            {
                Watcher.WatchUndeliverable(recipient, watch);
            }
        }
    }

    /// <summary>Counts, logs (rate-limited) and publishes a dead letter whose reason starts with the failure's code.</summary>
    internal void DeadLetter(object message, IActorRef? sender, IActorRef recipient, RemoteDeliveryFailure failure, string detail)
    {
        Metrics.DeadLetter(failure);
        var peer = recipient is RemoteActorRef remote
            ? remote.Endpoint.Association?.Peer.Value ?? remote.Endpoint.Address.ToString()
            : sender is RemoteActorRef from ? from.Endpoint.Association?.Peer.Value ?? from.Endpoint.Address.ToString() : "local";
        _failureLog.Report(peer, failure, message, recipient.Path.ToString(), detail);
        System.DeadLetter(message, sender, recipient, $"{failure.Code()}: {detail}");
    }

    /// <summary>Delivers one received batch entry to its local recipient (called by a session's reader).</summary>
    internal void Deliver(SessionRun run, in BatchEntry entry)
    {
        if (entry.Kind == BatchLayout.KindSystem)
        {
            Watcher.Received(entry.Body, run.Peer);
            return;
        }

        var path = entry.Recipient!;
        var recipient = ResolveRecipient(path, out var missing);
        var sender = entry.Sender is { } from ? from.Sender ??= ResolveSender(from.Text, run.Peer) : null;
        object message;
        try
        {
            message = _serialization.Deserialize(entry.SerializerId, entry.Manifest, entry.Body);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            var undecodable = new UndecodableRemoteMessage(run.Peer.Node, entry.SerializerId, entry.Manifest, entry.Body.Length, ex.Message);
            DeadLetter(
                undecodable,
                sender,
                recipient ?? MissingRecipient(path, missing!),
                RemoteDeliveryFailure.Undecodable,
                $"a message from {run.Peer.Node} could not be deserialized: {ex.Message}");
            return;
        }

        if (recipient is null)
        {
            DeadLetter(message, sender, MissingRecipient(path, missing!), RemoteDeliveryFailure.UnknownRecipient, missing!);
            return;
        }

        recipient.Tell(message, sender);
    }

    internal void ReportUndecodable(UniqueNode from, string what, string error)
    {
        var undecodable = new UndecodableRemoteMessage(from, 0, what, 0, error);
        DeadLetter(undecodable, null, System.DeadLetters, RemoteDeliveryFailure.Undecodable, $"a {what} from {from} could not be used: {error}");
    }

    /// <summary>The local actor a received path names, cached on the table entry; null with the reason when there is none.</summary>
    private IInternalActorRef? ResolveRecipient(InboundPath path, out string? missing)
    {
        if (path.Recipient is IInternalActorRef { IsTerminated: false } cached)
        {
            missing = null;
            return cached;
        }

        var found = ResolveRecipient(path.Text, out missing);
        path.Recipient = found;
        return found;
    }

    /// <summary>The live local actor at <paramref name="pathText"/>, or null with the reason.</summary>
    internal IInternalActorRef? ResolveRecipient(string pathText, out string? missing)
    {
        if (!ActorPath.TryParse(pathText, out var path, out var error))
        {
            missing = $"recipient '{pathText}' is not an actor path: {error}";
            return null;
        }

        if (!string.Equals(path.Address.System, System.Name, StringComparison.Ordinal))
        {
            missing = $"recipient {pathText} is in actor system '{path.Address.System}' but this node runs '{System.Name}'";
            return null;
        }

        if (System.ResolveLocal(path) is IInternalActorRef found)
        {
            missing = null;
            return found;
        }

        missing = $"no actor at {pathText} on {Self}";
        return null;
    }

    private IActorRef MissingRecipient(InboundPath path, string reason) =>
        ActorPath.TryParse(path.Text, out var parsed, out _)
            ? new MissingActorRef(System, parsed, reason)
            : System.DeadLetters;

    /// <summary>The ref for a sender path received from <paramref name="from"/> (local when it names this node).</summary>
    internal IActorRef? ResolveSender(string pathText, BoundNode from)
    {
        if (!ActorPath.TryParse(pathText, out var path, out _))
        {
            return null;
        }

        return ResolveAny(path);
    }

    /// <summary>A ref for any path: local ones resolve here (a missing local actor gives a ref that dead-letters), remote ones to a remote ref.</summary>
    private IActorRef ResolveAny(ActorPath path)
    {
        if (IsLocal(path.Address))
        {
            return System.ResolveLocal(path) ?? new MissingActorRef(System, path, $"no actor at {path} on {Self}");
        }

        return ResolveRemote(path) ?? new MissingActorRef(System, path, $"{path.Address} is not a peersync node address");
    }

    /// <summary>The remote resolver installed on the actor system.</summary>
    private IActorRef? ResolveRemote(ActorPath path)
    {
        var address = path.Address;
        if (!string.Equals(address.Protocol, Actors.Address.LocalProtocol, StringComparison.Ordinal) || address.Host is null || address.Port is not { } port)
        {
            return null;
        }

        if (IsLocal(address))
        {
            return System.ResolveLocal(path);
        }

        var handle = Endpoints.Handle(new EndpointAddress(address.Host, port));
        var current = handle.Association is { } association && association.Current is { } node && !association.IsQuarantined(node.Node.Incarnation)
            ? node
            : null;
        return new RemoteActorRef(this, path, handle, current);
    }

    private bool IsLocal(Address address) =>
        address.Equals(System.Address)
        || (address.Host is not null && address.Port == LocalAddress.Port
            && string.Equals(address.System, System.Name, StringComparison.Ordinal)
            && new EndpointAddress(address.Host, address.Port.Value) == LocalAddress);

    /// <summary>The text form of <paramref name="actorRef"/> for a message field (full path with address and `#uid`).</summary>
    public static string FormatRef(IActorRef actorRef)
    {
        ArgumentNullException.ThrowIfNull(actorRef);
        return RefPaths.Format(actorRef);
    }

    /// <summary>
    /// The ref for a path text from a message field (see <see cref="FormatRef"/>): a local actor, a
    /// remote ref, or, for a local path where no actor lives, a ref that dead-letters what it is told.
    /// </summary>
    /// <exception cref="FormatException">The text is not an actor path; the message says why.</exception>
    public IActorRef ResolveRef(string pathText)
    {
        ArgumentNullException.ThrowIfNull(pathText);
        if (!ActorPath.TryParse(pathText, out var path, out var error))
        {
            throw new FormatException(error);
        }

        return ResolveAny(path);
    }
}
