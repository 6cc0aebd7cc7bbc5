using PeerSync.Remote.Addressing;

namespace PeerSync.Remote.Refs;

/// <summary>
/// The node incarnation a remote ref is bound to, as an immutable object so it can be published
/// to other threads with a single reference write.
/// </summary>
internal sealed class BoundNode(UniqueNode node)
{
    public UniqueNode Node { get; } = node;

    public override string ToString() => Node.ToString();
}
