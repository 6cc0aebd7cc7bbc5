namespace PeerSync.Remote.Links.Wire;

/// <summary>Constants of the user-batch layout documented at the end of remote.proto.</summary>
internal static class BatchLayout
{
    public const byte Format = 1;

    public const byte KindUser = 1;

    public const byte KindSystem = 2;

    /// <summary>Ref code for "none" (no sender, empty manifest).</summary>
    public const ulong RefNone = 0;

    public const ulong RefExisting = 0;

    public const ulong RefDefine = 1;

    public const ulong RefLiteral = 2;

    /// <summary>
    /// Path entries per table and connection. Beyond it paths travel as one-off literals, so a
    /// peer that talks to millions of actors costs bytes, never unbounded memory.
    /// </summary>
    public const int MaxPathEntries = 16_384;

    /// <summary>Manifest entries per table and connection (manifests are per message type: few).</summary>
    public const int MaxManifestEntries = 1_024;

    /// <summary>Longest path or manifest accepted, in UTF-8 bytes.</summary>
    public const int MaxStringBytes = 8 * 1024;

    /// <summary>Bytes reserved in front of the entries for the header (format, ack, first sequence, count).</summary>
    public const int HeaderReserveBytes = 1 + Varint.MaxBytes64 + Varint.MaxBytes64 + Varint.MaxBytes64;

    /// <summary>
    /// Frame bytes around a batch: the Frame field tag and the length varint. A batch of n bytes
    /// makes a Frame body of at most n + this many bytes.
    /// </summary>
    public const int FrameOverheadBytes = 1 + 5;

    /// <summary>
    /// An upper bound of the bytes one user message takes in a batch, from the lengths of its
    /// strings (each UTF-16 char is at most 3 UTF-8 bytes) and payload.
    /// </summary>
    public static int UserEntryBound(int recipientChars, int senderChars, int manifestChars, int payloadBytes) =>
        1 + StringRefBound(recipientChars) + StringRefBound(senderChars) + 5 + StringRefBound(manifestChars)
        + 5 + payloadBytes;

    public static int SystemEntryBound(int bodyBytes) => 1 + 5 + bodyBytes;

    private static int StringRefBound(int chars) => 5 + 5 + (3 * chars);
}
