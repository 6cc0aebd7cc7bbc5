namespace PeerSync.Remote.Addressing;

/// <summary>One run of one node: the stable id plus the incarnation of the current process.</summary>
public readonly record struct UniqueNode(NodeId Id, Incarnation Incarnation)
{
    public override string ToString() => $"{Id}#{Incarnation}";
}
