namespace PeerSync.Remote.Endpoints;

/// <summary>
/// Reuses <see cref="OutboundEnvelope"/>s. Senders rent on their own threads and a link's reader
/// returns them when acknowledgements arrive, so each thread keeps a small private stack and
/// exchanges envelopes with a shared stack in bulk: one lock per <see cref="TransferCount"/>
/// envelopes, not per message. Bounded: beyond <see cref="SharedCapacity"/> pooled envelopes the
/// rest are left to the garbage collector.
/// </summary>
internal static class EnvelopePool
{
    private const int LocalCapacity = 256;
    private const int TransferCount = 128;
    private const int SharedCapacity = 64 * 1024;

    private static readonly object s_gate = new();
    private static readonly Stack<OutboundEnvelope> s_shared = new();

    [ThreadStatic]
    private static OutboundEnvelope[]? t_local;

    [ThreadStatic]
    private static int t_count;

    public static OutboundEnvelope Rent()
    {
        var local = t_local ??= new OutboundEnvelope[LocalCapacity];
        if (t_count == 0)
        {
            lock (s_gate)
            {
                while (t_count < TransferCount && s_shared.TryPop(out var shared))
                {
                    local[t_count++] = shared;
                }
            }

            if (t_count == 0)
            {
                return new OutboundEnvelope();
            }
        }

        var envelope = local[--t_count];
        local[t_count] = null!;
        return envelope;
    }

    /// <summary>Takes back an envelope nothing refers to any more (acknowledged, or dead-lettered).</summary>
    public static void Return(OutboundEnvelope envelope)
    {
        envelope.Clear();
        var local = t_local ??= new OutboundEnvelope[LocalCapacity];
        if (t_count == LocalCapacity)
        {
            lock (s_gate)
            {
                while (t_count > LocalCapacity - TransferCount)
                {
                    var moved = local[--t_count];
                    local[t_count] = null!;
                    if (s_shared.Count < SharedCapacity)
                    {
                        s_shared.Push(moved);
                    }
                }
            }
        }

        local[t_count++] = envelope;
    }
}
