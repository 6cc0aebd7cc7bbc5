using PeerSync.Remote.Addressing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Transport;

namespace PeerSync.Remote.Tests.Support;

/// <summary>
/// A transport whose dialed connections hold the acceptor's <see cref="HandshakeAccepted"/> frame,
/// once received, until the test calls <see cref="Release"/>, whatever the dial's cancellation
/// token says meanwhile: it stands for the last handshake frame arriving just before the node
/// cancels its dials, with the rest of the dial running late. Accepted connections pass through.
/// </summary>
internal sealed class HeldAcceptedTransport(ITransport inner) : ITransport
{
    private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => inner.Name;

    public TransportCounters Counters => inner.Counters;

    /// <summary>Completes when a dial received the HandshakeAccepted frame and holds it.</summary>
    public Task Held => _held.Task;

    public void Release() => _released.TrySetResult();

    public ValueTask<ITransportListener> ListenAsync(EndpointAddress address, CancellationToken cancellationToken = default) =>
        inner.ListenAsync(address, cancellationToken);

    public async ValueTask<IFrameConnection> DialAsync(EndpointAddress address, CancellationToken cancellationToken = default) =>
        new HoldingConnection(await inner.DialAsync(address, cancellationToken), this);

    private sealed class HoldingConnection(IFrameConnection inner, HeldAcceptedTransport owner) : ForwardingConnection(inner), IFrameConnection
    {
        public bool TrySetDrainedHandler(Action? handler) => Inner.TrySetDrainedHandler(handler);

        public override async ValueTask<Frame?> ReceiveAsync(CancellationToken cancellationToken = default)
        {
            var frame = await Inner.ReceiveAsync(cancellationToken);
            if (frame?.BodyCase == Frame.BodyOneofCase.Accepted)
            {
                owner._held.TrySetResult();
                await owner._released.Task;
            }

            return frame;
        }
    }
}
