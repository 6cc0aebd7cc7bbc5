using System.Text;

namespace PeerSync.Remote.Links.Wire;

/// <summary>
/// Decodes one user batch entry by entry, defining table entries as it meets them. Every way the
/// bytes can be wrong throws <see cref="BatchFormatException"/> naming the entry and the problem;
/// duplicate entries (already delivered) must still be read, for their table definitions.
/// </summary>
internal ref struct BatchReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly InboundTables _tables;
    private int _offset;
    private int _read;

    // The start of the last user entry whose references were all ids (kind through manifest), and
    // what it decoded to: a stream of messages repeats those bytes, and comparing them costs less
    // than decoding them again.
    private int _prefixStart;
    private int _prefixLength;
    private InboundPath? _prefixRecipient;
    private InboundPath? _prefixSender;
    private int _prefixSerializerId;
    private string _prefixManifest = "";

    public BatchReader(ReadOnlySpan<byte> data, InboundTables tables)
    {
        _data = data;
        _tables = tables;
        if (data.IsEmpty)
        {
            throw new BatchFormatException("the batch is empty");
        }

        if (data[0] != BatchLayout.Format)
        {
            throw new BatchFormatException($"the batch has format {data[0]}; this node reads format {BatchLayout.Format}");
        }

        _offset = 1;
        Ack = Varint.Read(data, ref _offset, "acknowledged sequence");
        FirstSequence = Varint.Read(data, ref _offset, "first sequence number");
        var count = Varint.Read(data, ref _offset, "entry count");
        if (FirstSequence == 0)
        {
            throw new BatchFormatException("the batch starts at sequence number 0; numbers start at 1");
        }

        // Every entry takes at least one byte: a count beyond the bytes left is a lie.
        if (count == 0 || count > (ulong)(data.Length - _offset))
        {
            throw new BatchFormatException($"the batch claims {count} entries in {data.Length - _offset} bytes");
        }

        Count = (int)count;
    }

    /// <summary>The highest sequence number the peer delivered from this node (0: none).</summary>
    public ulong Ack { get; }

    public ulong FirstSequence { get; }

    public int Count { get; }

    /// <summary>Reads the next entry; false after the last one (and then the bytes must be used up).</summary>
    public bool TryRead(out BatchEntry entry)
    {
        if (_read == Count)
        {
            if (_offset != _data.Length)
            {
                throw new BatchFormatException($"{_data.Length - _offset} bytes follow the last of {Count} entries");
            }

            entry = default;
            return false;
        }

        var index = _read++;
        var kind = _data[_offset++];
        switch (kind)
        {
            case BatchLayout.KindUser:
                var start = _offset - 1;
                if (_prefixLength > 0 && _data[start..].StartsWith(_data.Slice(_prefixStart, _prefixLength)))
                {
                    _offset = start + _prefixLength;
                }
                else
                {
                    ReadUserPrefix(index, start);
                }

                var payload = ReadBytes(index, "payload", "payload length");
                entry = new BatchEntry(BatchLayout.KindUser, _prefixRecipient, _prefixSender, _prefixSerializerId, _prefixManifest, payload);
                return true;
            case BatchLayout.KindSystem:
                entry = new BatchEntry(BatchLayout.KindSystem, null, null, 0, "", ReadBytes(index, "system message", "system message length"));
                return true;
            default:
                throw new BatchFormatException($"entry {index} has unknown kind {kind}");
        }
    }

    /// <summary>Decodes a user entry's references (from after the kind byte at <paramref name="start"/>) and remembers them as the prefix when all were ids.</summary>
    private void ReadUserPrefix(int index, int start)
    {
        _prefixRecipient = ReadPath(index, "recipient", out var known) ?? throw new BatchFormatException($"entry {index} is a user message without recipient");
        _prefixSender = ReadPath(index, "sender", out var senderKnown);
        _prefixSerializerId = Varint.UnZigZag(Varint.Read(_data, ref _offset, "serializer id"));
        _prefixManifest = ReadManifest(index, out var manifestKnown);
        (_prefixStart, _prefixLength) = known && senderKnown && manifestKnown ? (start, _offset - start) : (0, 0);
    }

    private InboundPath? ReadPath(int index, string what, out bool byId)
    {
        var code = Varint.Read(_data, ref _offset, what);
        byId = (code & 3) == BatchLayout.RefExisting;
        if (code == BatchLayout.RefNone)
        {
            return null;
        }

        return (code & 3) switch
        {
            BatchLayout.RefExisting => _tables.Path(code >> 2, index),
            BatchLayout.RefDefine => _tables.DefinePath(code >> 2, ReadString(index, what), index),
            BatchLayout.RefLiteral when code == BatchLayout.RefLiteral => new InboundPath(ReadString(index, what)),
            _ => throw new BatchFormatException($"entry {index} has {what} reference code {code}, which means nothing"),
        };
    }

    private string ReadManifest(int index, out bool byId)
    {
        var code = Varint.Read(_data, ref _offset, "manifest");
        byId = (code & 3) == BatchLayout.RefExisting;
        if (code == BatchLayout.RefNone)
        {
            return "";
        }

        return (code & 3) switch
        {
            BatchLayout.RefExisting => _tables.Manifest(code >> 2, index),
            BatchLayout.RefDefine => _tables.DefineManifest(code >> 2, ReadString(index, "manifest"), index),
            BatchLayout.RefLiteral when code == BatchLayout.RefLiteral => ReadString(index, "manifest"),
            _ => throw new BatchFormatException($"entry {index} has manifest reference code {code}, which means nothing"),
        };
    }

    private string ReadString(int index, string what)
    {
        // Strings are read only where a table entry is defined (or for literals): the
        // concatenation here is not per message.
        var bytes = ReadBytes(index, what, what + " length");
        if (bytes.Length > BatchLayout.MaxStringBytes)
        {
            throw new BatchFormatException($"entry {index} has a {what} of {bytes.Length} bytes; at most {BatchLayout.MaxStringBytes} are allowed");
        }

        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new BatchFormatException($"entry {index} has a {what} that is not valid UTF-8");
        }
    }

    /// <summary>A length-prefixed field; <paramref name="lengthWhat"/> names the prefix in errors (a literal, so nothing is built per message).</summary>
    private ReadOnlySpan<byte> ReadBytes(int index, string what, string lengthWhat)
    {
        var length = Varint.Read(_data, ref _offset, lengthWhat);
        if (length > (ulong)(_data.Length - _offset))
        {
            throw new BatchFormatException($"entry {index} has a {what} of {length} bytes but only {_data.Length - _offset} remain");
        }

        var bytes = _data.Slice(_offset, (int)length);
        _offset += (int)length;
        return bytes;
    }
}

/// <summary>One decoded entry; spans point into the batch.</summary>
internal readonly ref struct BatchEntry(byte kind, InboundPath? recipient, InboundPath? sender, int serializerId, string manifest, ReadOnlySpan<byte> body)
{
    public byte Kind { get; } = kind;

    public InboundPath? Recipient { get; } = recipient;

    public InboundPath? Sender { get; } = sender;

    public int SerializerId { get; } = serializerId;

    public string Manifest { get; } = manifest;

    /// <summary>The payload (user) or the protobuf RemoteSystemMessage (system).</summary>
    public ReadOnlySpan<byte> Body { get; } = body;
}
