using System.Buffers;
using PeerSync.Remote.Protocol;

namespace PeerSync.Remote.Framing;

/// <summary>
/// The bytes waiting to be written on one connection, as encoded frames packed into pooled chunks.
/// Small frames share 64 KiB chunks, so a busy writer hands many frames to the socket in one write;
/// a frame larger than a chunk gets an array of its own. Not thread-safe: the owning connection
/// guards it with its lock. <see cref="QueuedBytes"/> counts bytes from append until the writer
/// reports them written, so the bound covers bytes in flight too.
/// </summary>
internal sealed class SendBuffer
{
    internal const int ChunkBytes = 64 * 1024;

    private List<SendSegment> _segments = [];

    /// <summary>Whether the last segment may still take more frames (the writer has not taken it).</summary>
    private bool _tailOpen;

    private long _queuedBytes;

    /// <summary>Changed under the owner's lock; may be read without it (a hint, see FramedConnection.QueuedBytes).</summary>
    public long QueuedBytes
    {
        get => Volatile.Read(ref _queuedBytes);
        private set => Volatile.Write(ref _queuedBytes, value);
    }

    public bool IsEmpty => _segments.Count == 0;

    /// <summary>Encodes <paramref name="frame"/> (body size <paramref name="bodyBytes"/>) into the queue.</summary>
    public void Append(Frame frame, int bodyBytes)
    {
        var need = FrameCodec.EncodedLength(bodyBytes);
        if (_tailOpen)
        {
            var tail = _segments[^1];
            if (tail.Array.Length - tail.Length >= need)
            {
                FrameCodec.Encode(frame, bodyBytes, tail.Array.AsSpan(tail.Length, need));
                _segments[^1] = tail with { Length = tail.Length + need };
                QueuedBytes += need;
                return;
            }
        }

        var array = ArrayPool<byte>.Shared.Rent(Math.Max(need, ChunkBytes));
        FrameCodec.Encode(frame, bodyBytes, array.AsSpan(0, need));
        _segments.Add(new SendSegment(array, need));
        _tailOpen = array.Length - need >= RemoteProtocol.LengthPrefixBytes;
        QueuedBytes += need;
    }

    /// <summary>Queues an already encoded frame held in a pooled array the queue now owns.</summary>
    public void AppendEncoded(byte[] pooledArray, int length)
    {
        _segments.Add(new SendSegment(pooledArray, length));
        _tailOpen = false;
        QueuedBytes += length;
    }

    /// <summary>
    /// Moves every queued segment to <paramref name="into"/> for the writer, which returns them
    /// with <see cref="ReturnToPool"/> and reports the bytes with <see cref="Release"/>.
    /// </summary>
    public void TakeAll(List<SendSegment> into)
    {
        if (_segments.Count == 0)
        {
            return;
        }

        into.AddRange(_segments);
        _segments.Clear();
        _tailOpen = false;
    }

    /// <summary>The writer finished with <paramref name="bytes"/> bytes taken earlier.</summary>
    public void Release(long bytes) => QueuedBytes -= bytes;

    /// <summary>Drops what is still queued (the connection is aborting) and returns its arrays.</summary>
    public void Clear()
    {
        ReturnToPool(_segments);
        _segments = [];
        _tailOpen = false;
        QueuedBytes = 0;
    }

    public static void ReturnToPool(List<SendSegment> segments)
    {
        foreach (var segment in segments)
        {
            // Entries already returned by the writer are cleared to default.
            if (segment.Array is not null)
            {
                ArrayPool<byte>.Shared.Return(segment.Array);
            }
        }

        segments.Clear();
    }
}

/// <summary>Encoded frames in the first <see cref="Length"/> bytes of a pooled array.</summary>
internal readonly record struct SendSegment(byte[] Array, int Length)
{
    public ReadOnlyMemory<byte> Memory => Array.AsMemory(0, Length);
}
