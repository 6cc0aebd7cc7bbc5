namespace PeerSync.Remote.Framing;

/// <summary>What <see cref="FrameCodec.TryDecode"/> found at the start of a buffer.</summary>
public enum FrameDecodeStatus
{
    /// <summary>A whole frame was decoded and the buffer advanced past it.</summary>
    Decoded,

    /// <summary>The buffer holds only part of a frame (or of its prefix).</summary>
    NeedMoreData,

    /// <summary>The length prefix exceeds max-frame-size; the body was not read.</summary>
    TooLarge,

    /// <summary>The body is not a valid protobuf Frame.</summary>
    Malformed,
}
