using PeerSync.Actors;
using PeerSync.Actors.Serialization;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Links;

/// <summary>
/// A Tell to a remote actor allocates nothing of its own on the sender's thread once the message is
/// serialized: the outbound envelope is a struct that the link's buffers hold by value. At millions
/// of messages a second, an object per message was half of what a sending node allocated, and a
/// busy link kept tens of thousands of them alive for the collector to promote.
/// </summary>
public sealed class SendPathAllocationTests
{
    [Fact]
    public async Task A_tell_to_a_remote_actor_allocates_nothing_per_message_on_the_senders_thread()
    {
        // Nothing listens at the address: the messages wait in the link's buffer while the node
        // dials it, which is the send path without a connection's own batch and frame objects.
        var network = new TestNetwork(TransportKind.InMemory);
        await using var a = await RemoteTestNode.StartAsync(network, "a");
        a.System.Serialization().Add(new FixedBytesSerializer());
        var target = a.System.ResolveActorRef(ActorPath.Parse("peersync://sys@127.0.0.1:4999/user/inbox"))!;
        var message = new Blob();

        // Warm up: the first Tell starts the dial, and the buffer grows to a size that holds what
        // is measured next.
        for (var i = 0; i < 1000; i++)
        {
            target.Tell(message, null);
        }

        const int measured = 20;
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < measured; i++)
        {
            target.Tell(message, null);
        }

        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < measured * 16, $"{measured} tells allocated {allocated} bytes on the sender's thread");
        Assert.Empty(a.DeadLetters);
    }

    private sealed record Blob;

    /// <summary>Returns the same bytes every time, so the test measures the send path, not a codec.</summary>
    private sealed class FixedBytesSerializer : IPayloadSerializer
    {
        private static readonly byte[] Bytes = new byte[32];

        public int Id => 4343;

        public string Name => "fixed";

        public string? ManifestFor(Type type) => type == typeof(Blob) ? "blob" : null;

        public byte[] ToBinary(object value) => Bytes;

        public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => new Blob();
    }
}
