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

    /// <summary>One thread-static reference per thread (each thread-static access costs a lookup, so there is one, not two).</summary>
    [ThreadStatic]
    private static LocalStack? t_local;

    public static OutboundEnvelope Rent()
    {
        var local = t_local ??= new LocalStack();
        if (local.Count == 0)
        {
            lock (s_gate)
            {
                while (local.Count < TransferCount && s_shared.TryPop(out var shared))
                {
                    local.Items[local.Count++] = shared;
                }
            }

            if (local.Count == 0)
            {
                return new OutboundEnvelope();
            }
        }

        var envelope = local.Items[--local.Count];
        local.Items[local.Count] = null!;
        return envelope;
    }

    /// <summary>Takes back an envelope nothing refers to any more (acknowledged, or dead-lettered).</summary>
    public static void Return(OutboundEnvelope envelope)
    {
        envelope.Clear();
        var local = t_local ??= new LocalStack();
        if (local.Count == LocalCapacity)
        {
            lock (s_gate)
            {
                while (local.Count > LocalCapacity - TransferCount)
                {
                    var moved = local.Items[--local.Count];
                    local.Items[local.Count] = null!;
                    if (s_shared.Count < SharedCapacity)
                    {
                        s_shared.Push(moved);
                    }
                }
            }
        }

        local.Items[local.Count++] = envelope;
    }

    private sealed class LocalStack
    {
        public readonly OutboundEnvelope[] Items = new OutboundEnvelope[LocalCapacity];
        public int Count;
    }
}
