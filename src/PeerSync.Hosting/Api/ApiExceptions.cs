namespace PeerSync.Hosting.Api;

/// <summary>A collection name or key breaks the naming rules (HTTP 400); the message names the rule.</summary>
public sealed class InvalidNameException(string message) : Exception(message);

/// <summary>A node other than the owner tried to change an owned record (HTTP 409).</summary>
public sealed class RecordNotOwnedException(string collection, string key, string owner)
    : Exception($"record '{key}' of owned collection '{collection}' belongs to node '{owner}'; only it may change the record")
{
    public string Collection { get; } = collection;

    public string Key { get; } = key;

    public string Owner { get; } = owner;
}

/// <summary>The node cannot take writes yet (joining, backfilling) or any more (leaving) (HTTP 503).</summary>
public sealed class NodeNotReadyException(string reason) : Exception(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>A cluster command named a node that is not a member (HTTP 404).</summary>
public sealed class UnknownMemberException(string nodeId)
    : Exception($"no member with id '{nodeId}' in this cluster")
{
    public string NodeId { get; } = nodeId;
}
