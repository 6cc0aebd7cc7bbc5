namespace PeerSync.Actors;

/// <summary>One live actor in a snapshot of the hierarchy (what `psync actor hierarchy` shows).</summary>
public sealed record ActorHierarchyNode(
    string Name,
    string Path,
    string ActorType,
    int MailboxDepth,
    IReadOnlyList<ActorHierarchyNode> Children)
{
    /// <summary>This node and all below it, depth first.</summary>
    public IEnumerable<ActorHierarchyNode> DescendantsAndSelf()
    {
        yield return this;
        foreach (var child in Children)
        {
            foreach (var node in child.DescendantsAndSelf())
            {
                yield return node;
            }
        }
    }

    /// <summary>An indented tree, one actor per line.</summary>
    public string Render()
    {
        var sb = new System.Text.StringBuilder();
        Render(sb, 0);
        return sb.ToString();
    }

    private void Render(System.Text.StringBuilder sb, int depth)
    {
        sb.Append(' ', depth * 2).Append(depth == 0 ? Path : Name).Append("  (").Append(ActorType);
        if (MailboxDepth > 0)
        {
            sb.Append(", ").Append(MailboxDepth).Append(" queued");
        }

        sb.Append(')').Append('\n');
        foreach (var child in Children)
        {
            child.Render(sb, depth + 1);
        }
    }
}
