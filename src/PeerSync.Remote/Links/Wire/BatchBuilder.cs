using System.Buffers;
using System.Text;
using PeerSync.Actors;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// Encodes one user batch (layout in remote.proto) into a pooled buffer that is reused from batch
/// to batch: entries are appended after room reserved for the header, and <see cref="Finish"/>
/// writes the header right in front of them, so nothing is copied. A link's outbound log encodes
/// its entries with builders too, one per chunk; the link writer copies a run of them into its own
/// builder (<see cref="AddEncoded"/>) to send. Not thread-safe.
/// </summary>
internal sealed class BatchBuilder : IDisposable
{
    private byte[] _buffer;
    private int _position;

    public BatchBuilder(int initialBytes = 64 * 1024)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(initialBytes, 1024));
        Reset();
    }

    /// <summary>Entries added since the last <see cref="Reset"/>.</summary>
    public int Count { get; private set; }

    /// <summary>Bytes of the entries so far (without the header).</summary>
    public int EntryBytes => _position - BatchLayout.HeaderReserveBytes;

    /// <summary>Where the next entry starts in the buffer.</summary>
    public int Position => _position;

    /// <summary>The size of the buffer.</summary>
    public int Capacity => _buffer.Length;

    /// <summary>Bytes left before the buffer would have to grow.</summary>
    public int Remaining => _buffer.Length - _position;

    /// <summary>Encoded entries between two positions (see <see cref="Position"/>).</summary>
    public ReadOnlySpan<byte> Span(int start, int end) => _buffer.AsSpan(start, end - start);

    public void Reset()
    {
        _position = BatchLayout.HeaderReserveBytes;
        Count = 0;
    }

    /// <summary>Appends a user message, defining table entries for what the peer does not know yet.</summary>
    public void AddUser(OutboundTables tables, IActorRef recipient, IActorRef? sender, int serializerId, string manifest, ReadOnlySpan<byte> payload)
    {
        Ensure(OutboundTables.MaxPrefixBytes + Varint.MaxBytes64 + payload.Length);
        var prefix = tables.PrefixFor(recipient, sender, serializerId, manifest);
        if (!prefix.IsEmpty)
        {
            // The same recipient, sender and type as the entry before: the same bytes.
            prefix.CopyTo(_buffer.AsSpan(_position));
            _position += prefix.Length;
        }
        else
        {
            var start = _position;
            _buffer[_position++] = BatchLayout.KindUser;
            var known = WritePath(tables, recipient);
            known &= sender is null ? WriteVarint(BatchLayout.RefNone) : WritePath(tables, sender);
            WriteVarint(Varint.ZigZag(serializerId));
            known &= WriteManifest(tables, manifest);
            if (known)
            {
                tables.RememberPrefix(recipient, sender, serializerId, manifest, _buffer.AsSpan(start, _position - start));
            }
        }

        WriteVarint((ulong)payload.Length);
        Ensure(payload.Length);
        payload.CopyTo(_buffer.AsSpan(_position));
        _position += payload.Length;
        Count++;
    }

    /// <summary>Appends <paramref name="count"/> entries encoded elsewhere (by another builder with the same tables).</summary>
    public void AddEncoded(ReadOnlySpan<byte> entries, int count)
    {
        Ensure(entries.Length);
        entries.CopyTo(_buffer.AsSpan(_position));
        _position += entries.Length;
        Count += count;
    }

    /// <summary>Forgets the entries from <paramref name="position"/> on, leaving <paramref name="count"/>.</summary>
    public void Truncate(int position, int count)
    {
        _position = position;
        Count = count;
    }

    /// <summary>Appends a system message: its protobuf encoding, length-prefixed.</summary>
    public void AddSystem(ReadOnlySpan<byte> body)
    {
        Ensure(1);
        _buffer[_position++] = BatchLayout.KindSystem;
        WriteVarint((ulong)body.Length);
        Ensure(body.Length);
        body.CopyTo(_buffer.AsSpan(_position));
        _position += body.Length;
        Count++;
    }

    /// <summary>
    /// Writes the header in front of the entries and returns the whole batch. The memory stays
    /// valid until the next <see cref="Reset"/> or add.
    /// </summary>
    public ReadOnlyMemory<byte> Finish(ulong ack, ulong firstSequence)
    {
        var headerBytes = 1 + Varint.Size(ack) + Varint.Size(firstSequence) + Varint.Size((ulong)Count);
        var start = BatchLayout.HeaderReserveBytes - headerBytes;
        var header = _buffer.AsSpan(start, headerBytes);
        header[0] = BatchLayout.Format;
        var at = 1;
        at += Varint.Write(header[at..], ack);
        at += Varint.Write(header[at..], firstSequence);
        Varint.Write(header[at..], (ulong)Count);
        return _buffer.AsMemory(start, _position - start);
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    /// <summary>Writes a path reference; true when it is an id the peer knows already (no string in the bytes).</summary>
    private bool WritePath(OutboundTables tables, IActorRef actorRef)
    {
        var id = tables.FindPath(actorRef, out var text);
        if (id > 0)
        {
            return WriteVarint((ulong)id << 2);
        }

        id = tables.DefinePath(actorRef, text!);
        WriteString(id > 0 ? ((ulong)id << 2) | BatchLayout.RefDefine : BatchLayout.RefLiteral, text!);
        return false;
    }

    /// <summary>Writes a manifest reference; true when no string went into the bytes.</summary>
    private bool WriteManifest(OutboundTables tables, string manifest)
    {
        if (manifest.Length == 0)
        {
            return WriteVarint(BatchLayout.RefNone);
        }

        var id = tables.FindManifest(manifest);
        if (id > 0)
        {
            return WriteVarint((ulong)id << 2);
        }

        id = tables.DefineManifest(manifest);
        WriteString(id > 0 ? ((ulong)id << 2) | BatchLayout.RefDefine : BatchLayout.RefLiteral, manifest);
        return false;
    }

    private void WriteString(ulong code, string text)
    {
        WriteVarint(code);
        Ensure(Varint.MaxBytes64 + Encoding.UTF8.GetMaxByteCount(text.Length));
        var lengthAt = _position;
        // Strings are short: reserve two bytes for the length (up to 16 383 bytes) and move the
        // bytes only in the rare case the varint needs another size.
        var written = Encoding.UTF8.GetBytes(text, _buffer.AsSpan(lengthAt + 2));
        var lengthBytes = Varint.Size((ulong)written);
        if (lengthBytes != 2)
        {
            _buffer.AsSpan(lengthAt + 2, written).CopyTo(_buffer.AsSpan(lengthAt + lengthBytes));
        }

        Varint.Write(_buffer.AsSpan(lengthAt), (ulong)written);
        _position = lengthAt + lengthBytes + written;
    }

    /// <summary>Writes <paramref name="value"/>; returns true (for the reference writers).</summary>
    private bool WriteVarint(ulong value)
    {
        Ensure(Varint.MaxBytes64);
        _position += Varint.Write(_buffer.AsSpan(_position), value);
        return true;
    }

    private void Ensure(int bytes)
    {
        if (_buffer.Length - _position >= bytes)
        {
            return;
        }

        // The old buffer is left to the collector, not returned to the pool: a link writer may
        // still be copying entries out of it (see OutboundLog).
        var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _position + bytes));
        _buffer.AsSpan(0, _position).CopyTo(bigger);
        _buffer = bigger;
    }
}
