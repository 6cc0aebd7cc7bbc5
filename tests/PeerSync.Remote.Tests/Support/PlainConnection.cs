using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A real connection behind a wrapper written as an external implementer of
/// <see cref="IFrameConnection"/> would write it against the interface as released: it implements
/// every member but the drained handler, so the interface's default stands for it and nobody is
/// called back when the connection has written everything queued.
/// </summary>
internal sealed class PlainConnection(IFrameConnection inner) : ForwardingConnection(inner);
