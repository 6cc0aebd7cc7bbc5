using Google.Protobuf.WellKnownTypes;
using PeerSync.Actors.Serialization;

namespace PeerSync.Actors.Tests;

public sealed class SerializationTests
{
    private sealed record Order(string Id, int Quantity);

    private sealed record Unregistered(int X);

    private static SerializationRegistry Registry() =>
        new SerializationRegistry().AddProtobuf<StringValue>().AddJson<Order>("order.v1");

    [Fact]
    public void Protobuf_messages_round_trip_with_their_descriptor_name_as_manifest()
    {
        var registry = Registry();
        var payload = registry.Serialize(new StringValue { Value = "hello" });
        Assert.Equal(ProtobufSerializer.SerializerId, payload.SerializerId);
        Assert.Equal("google.protobuf.StringValue", payload.Manifest);
        Assert.Equal("hello", ((StringValue)registry.Deserialize(payload)).Value);
    }

    [Fact]
    public void Json_types_round_trip_with_their_registered_manifest()
    {
        var registry = Registry();
        var payload = registry.Serialize(new Order("o-1", 3));
        Assert.Equal(JsonPayloadSerializer.SerializerId, payload.SerializerId);
        Assert.Equal("order.v1", payload.Manifest);
        Assert.Equal(new Order("o-1", 3), registry.Deserialize(payload));
    }

    [Fact]
    public void Serialize_into_parts_gives_the_same_id_manifest_and_bytes_as_the_payload()
    {
        var registry = Registry();
        var bytes = registry.Serialize(new Order("o-2", 4), out var serializerId, out var manifest);
        var payload = registry.Serialize(new Order("o-2", 4));
        Assert.Equal(payload, new SerializedPayload(serializerId, manifest, bytes));
        Assert.Equal(new Order("o-2", 4), registry.Deserialize(serializerId, manifest, bytes));
        var error = Assert.Throws<PayloadSerializationException>(() => registry.Serialize(new Unregistered(1), out _, out _));
        Assert.Contains("no serializer is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reads_alternating_between_serializers_each_decode_with_their_own()
    {
        // The registry remembers the serializer of the last read: a read with another id must not
        // reuse it, and an unknown id after a known one is still refused.
        var registry = Registry();
        var text = registry.Serialize(new StringValue { Value = "hello" });
        var order = registry.Serialize(new Order("o-1", 3));
        for (var i = 0; i < 2; i++)
        {
            Assert.Equal("hello", ((StringValue)registry.Deserialize(text)).Value);
            Assert.Equal(new Order("o-1", 3), registry.Deserialize(order));
        }

        var ex = Assert.Throws<PayloadSerializationException>(() => registry.Deserialize(99, order.Manifest, order.Bytes));
        Assert.StartsWith("unknown serializer id 99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unregistered_type_is_refused_with_advice()
    {
        var error = Assert.Throws<PayloadSerializationException>(() => Registry().Serialize(new Unregistered(1)));
        Assert.Contains("no serializer is registered", error.Message, StringComparison.Ordinal);
        Assert.Contains("AddJson", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ProtobufSerializer.SerializerId, "nope.Missing", "unknown protobuf manifest 'nope.Missing'")]
    [InlineData(JsonPayloadSerializer.SerializerId, "order.v9", "unknown JSON manifest 'order.v9'")]
    [InlineData(77, "x", "unknown serializer id 77")]
    public void Unknown_ids_and_manifests_are_named(int serializerId, string manifest, string expected)
    {
        var error = Assert.Throws<PayloadSerializationException>(() => Registry().Deserialize(serializerId, manifest, [1, 2, 3]));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Equal(serializerId, error.SerializerId);
    }

    [Fact]
    public void Bytes_that_do_not_decode_are_reported_with_the_manifest()
    {
        var registry = Registry();
        var json = Assert.Throws<PayloadSerializationException>(() => registry.Deserialize(JsonPayloadSerializer.SerializerId, "order.v1", "{not json"u8));
        Assert.Contains("does not decode", json.Message, StringComparison.Ordinal);
        var proto = Assert.Throws<PayloadSerializationException>(() => registry.Deserialize(ProtobufSerializer.SerializerId, "google.protobuf.StringValue", [0xFF, 0xFF, 0xFF]));
        Assert.Contains("does not decode", proto.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_type_registered_after_it_was_refused_serializes_with_its_new_manifest()
    {
        // The registry remembers per type what it found, a miss included, and the last type
        // served: registering must forget both.
        var registry = Registry();
        registry.Serialize(new Order("o-3", 1), out _, out _);
        Assert.Throws<PayloadSerializationException>(() => registry.Serialize(new Unregistered(1), out _, out _));
        Assert.False(registry.CanSerialize(typeof(Unregistered)));

        registry.AddJson<Unregistered>("unregistered.v1");

        Assert.True(registry.CanSerialize(typeof(Unregistered)));
        registry.Serialize(new Unregistered(2), out var serializerId, out var manifest);
        Assert.Equal((JsonPayloadSerializer.SerializerId, "unregistered.v1"), (serializerId, manifest));
        registry.Serialize(new Order("o-4", 2), out _, out manifest);
        Assert.Equal("order.v1", manifest);
    }

    [Fact]
    public void A_manifest_cannot_be_claimed_by_two_types()
    {
        var registry = Registry();
        var error = Assert.Throws<ArgumentException>(() => registry.AddJson<Unregistered>("order.v1"));
        Assert.Contains("already registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_system_has_one_registry()
    {
        var system = ActorSystem.Create("ser");
        Assert.Same(system.Serialization(), system.Serialization());
        _ = system.Terminate();
    }

    [Fact]
    public void Whole_proto_files_can_be_registered()
    {
        var registry = new SerializationRegistry().AddProtobuf(TimestampReflection.Descriptor);
        var payload = registry.Serialize(new Timestamp { Seconds = 5 });
        Assert.Equal(5, ((Timestamp)registry.Deserialize(payload)).Seconds);
        Assert.True(registry.CanSerialize(typeof(Timestamp)));
        Assert.False(registry.CanSerialize(typeof(Duration)));
    }

    [Fact]
    public void Serialize_into_parts_allocates_nothing_of_its_own_when_the_serializer_is_known()
    {
        // Remoting serializes every message it sends through this call: finding the serializer of
        // a type seen before must not allocate (it did: a closure per call, 24 bytes a message).
        var registry = new SerializationRegistry();
        registry.Add(new FixedBytesSerializer());
        var value = new Order("o-3", 5);
        registry.Serialize(value, out _, out _);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1_000; i++)
        {
            registry.Serialize(value, out _, out _);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    /// <summary>Gives the same array every time, so whatever the registry allocates shows.</summary>
    private sealed class FixedBytesSerializer : IPayloadSerializer
    {
        private static readonly byte[] Bytes = [1, 2, 3];

        public int Id => 77;

        public string Name => "fixed";

        public string? ManifestFor(System.Type type) => type == typeof(Order) ? "o" : null;

        public byte[] ToBinary(object value) => Bytes;

        public object FromBinary(ReadOnlySpan<byte> bytes, string manifest) => new Order("o", bytes.Length);
    }
}
