using System.Buffers;
using System.Buffers.Binary;
using FsCheck;
using FsCheck.Fluent;
using PeerSync.Remote.Framing;
using PeerSync.Remote.Protocol;
using PeerSync.Remote.Tests.Support;

namespace PeerSync.Remote.Tests.Framing;

public sealed class FrameCodecTests
{
    private const int Max = 1024 * 1024;

    [Fact]
    public void FrameCodec_round_trips_a_user_message()
    {
        var frame = Frames.User("/user/a", 100);
        var buffer = new ReadOnlySequence<byte>(FrameCodec.Encode(frame));

        Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var decoded, out _));
        Assert.Equal(frame, decoded);
        Assert.True(buffer.IsEmpty);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(127)]
    [InlineData(128)]
    [InlineData(70_000)]
    public void FrameCodec_round_trips_a_user_batch_through_a_pooled_array_also_split_across_segments(int batchBytes)
    {
        var batch = Enumerable.Range(0, batchBytes).Select(i => (byte)i).ToArray();
        var frame = new Frame { UserBatch = Google.Protobuf.ByteString.CopyFrom(batch) };
        var bytes = FrameCodec.Encode(frame);
        foreach (var buffer0 in new[] { new ReadOnlySequence<byte>(bytes), Segments.Of(bytes.Chunk(3).ToArray()) })
        {
            var buffer = buffer0;
            Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var decoded, out _));
            Assert.True(decoded!.UserBatch.Span.SequenceEqual(batch));
            Assert.True(buffer.IsEmpty);

            FrameCodec.Recycle(decoded);
            Assert.True(decoded.UserBatch.IsEmpty);
        }
    }

    [Fact]
    public void FrameCodec_leaves_a_user_batch_frame_with_other_fields_to_the_protobuf_parser()
    {
        // user_batch followed by an unknown field 15 (varint 1): not a bare batch, still a valid frame.
        var frame = new Frame { UserBatch = Google.Protobuf.ByteString.CopyFrom([1, 2, 3]) };
        var body = Google.Protobuf.MessageExtensions.ToByteArray(frame).Concat(new byte[] { (15 << 3) | 0, 1 }).ToArray();
        var bytes = new byte[4 + body.Length];
        BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)body.Length);
        body.CopyTo(bytes, 4);
        var buffer = new ReadOnlySequence<byte>(bytes);

        Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var decoded, out _));
        Assert.Equal([1, 2, 3], decoded!.UserBatch.ToByteArray());
    }

    [Fact]
    public void FrameCodec_writes_a_big_endian_length_prefix()
    {
        var frame = Frames.User("/user/a", 300);
        var bytes = FrameCodec.Encode(frame);
        Assert.Equal((uint)frame.CalculateSize(), BinaryPrimitives.ReadUInt32BigEndian(bytes));
        Assert.Equal(bytes.Length - 4, frame.CalculateSize());
    }

    [Fact]
    public void FrameCodec_decodes_a_zero_length_frame_as_an_empty_frame()
    {
        var buffer = new ReadOnlySequence<byte>(new byte[4]);
        Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var decoded, out _));
        Assert.Equal(Frame.BodyOneofCase.None, decoded!.BodyCase);
        Assert.True(buffer.IsEmpty);
    }

    [Fact]
    public void FrameCodec_needs_more_data_until_the_whole_frame_arrived()
    {
        var bytes = FrameCodec.Encode(Frames.User("/user/a", 50));
        for (var length = 0; length < bytes.Length; length++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, length);
            Assert.Equal(FrameDecodeStatus.NeedMoreData, FrameCodec.TryDecode(ref partial, Max, out _, out _));
            Assert.Equal(length, partial.Length);
        }
    }

    [Fact]
    public void FrameCodec_refuses_an_oversized_frame_from_its_prefix_alone()
    {
        // Only the 4 prefix bytes exist: the decision must not wait for (or buffer) the body.
        var prefix = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(prefix, Max + 1);
        var buffer = new ReadOnlySequence<byte>(prefix);

        Assert.Equal(FrameDecodeStatus.TooLarge, FrameCodec.TryDecode(ref buffer, Max, out _, out var error));
        Assert.Equal($"frame of {Max + 1} bytes exceeds max-frame-size of {Max} bytes", error);
    }

    [Fact]
    public void FrameCodec_refuses_a_length_beyond_int_range()
    {
        var buffer = new ReadOnlySequence<byte>([0xff, 0xff, 0xff, 0xff]);
        Assert.Equal(FrameDecodeStatus.TooLarge, FrameCodec.TryDecode(ref buffer, Max, out _, out var error));
        Assert.Contains("4294967295 bytes", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FrameCodec_reports_a_body_that_is_not_protobuf()
    {
        // Field 1 (hello) as a length-delimited field claiming 100 bytes that are not there.
        var buffer = new ReadOnlySequence<byte>([0, 0, 0, 2, 0x0a, 100]);
        Assert.Equal(FrameDecodeStatus.Malformed, FrameCodec.TryDecode(ref buffer, Max, out _, out var error));
        Assert.StartsWith("frame of 2 bytes is not a valid protobuf Frame", error, StringComparison.Ordinal);
    }

    [Fact]
    public void FrameCodec_decodes_frames_split_across_segments_at_every_point()
    {
        // Two frames, split into two segments at every possible byte: the decoder must see the same frames.
        var first = Frames.User("/user/first", 20);
        var second = Frames.User("/user/second", 30);
        var bytes = FrameCodec.Encode(first).Concat(FrameCodec.Encode(second)).ToArray();
        for (var split = 1; split < bytes.Length; split++)
        {
            var buffer = Segments.Of(bytes[..split], bytes[split..]);
            Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var a, out _));
            Assert.Equal(FrameDecodeStatus.Decoded, FrameCodec.TryDecode(ref buffer, Max, out var b, out _));
            Assert.Equal(first, a);
            Assert.Equal(second, b);
        }
    }

    [Fact]
    public void FrameCodec_round_trips_any_sequence_of_frames_in_any_segmentation()
    {
        var property = Prop.ForAll(
            Gen.Choose(0, 2000).ArrayOf().Select(a => a.Take(20).ToArray()).ToArbitrary(),
            Gen.Choose(1, 97).ToArbitrary(),
            (sizes, segmentLength) =>
            {
                var frames = sizes.Select((size, i) => Frames.User("/user/" + i, size, (byte)i)).ToArray();
                var bytes = frames.SelectMany(FrameCodec.Encode).ToArray();
                var buffer = Segments.Of(bytes.Chunk(segmentLength).ToArray());
                foreach (var expected in frames)
                {
                    if (FrameCodec.TryDecode(ref buffer, Max, out var decoded, out _) != FrameDecodeStatus.Decoded || !expected.Equals(decoded))
                    {
                        return false;
                    }
                }

                return buffer.IsEmpty;
            });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), property);
    }

    [Fact]
    public void SendBuffer_packs_many_small_frames_into_one_segment()
    {
        // Batching starts here: 500 small frames share one pooled chunk, so the writer hands them
        // to the socket in one write.
        var buffer = new SendBuffer();
        var frame = Frames.User("/user/a", 64);
        for (var i = 0; i < 500; i++)
        {
            buffer.Append(frame, frame.CalculateSize());
        }

        var taken = new List<SendSegment>();
        buffer.TakeAll(taken);
        Assert.Single(taken);
        Assert.Equal(500 * FrameCodec.EncodedLength(frame.CalculateSize()), taken[0].Length);
        Assert.Equal(taken[0].Length, buffer.QueuedBytes);
        buffer.Release(taken[0].Length);
        SendBuffer.ReturnToPool(taken);
        Assert.Equal(0, buffer.QueuedBytes);
    }

    [Fact]
    public void SendBuffer_never_appends_to_a_segment_the_writer_took()
    {
        var buffer = new SendBuffer();
        var frame = Frames.User("/user/a", 10);
        buffer.Append(frame, frame.CalculateSize());
        var taken = new List<SendSegment>();
        buffer.TakeAll(taken);
        var lengthWhenTaken = taken[0].Length;
        buffer.Append(frame, frame.CalculateSize());

        Assert.Equal(lengthWhenTaken, taken[0].Length);
        var next = new List<SendSegment>();
        buffer.TakeAll(next);
        Assert.NotSame(taken[0].Array, next[0].Array);
        SendBuffer.ReturnToPool(taken);
        SendBuffer.ReturnToPool(next);
    }

    private static class Segments
    {
        public static ReadOnlySequence<byte> Of(params byte[][] parts)
        {
            var nonEmpty = parts.Where(p => p.Length > 0).ToArray();
            if (nonEmpty.Length == 0)
            {
                return ReadOnlySequence<byte>.Empty;
            }

            var first = new Segment(nonEmpty[0], 0);
            var last = first;
            foreach (var part in nonEmpty.Skip(1))
            {
                last = last.Append(part);
            }

            return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
        }

        private sealed class Segment : ReadOnlySequenceSegment<byte>
        {
            public Segment(byte[] bytes, long runningIndex)
            {
                Memory = bytes;
                RunningIndex = runningIndex;
            }

            public Segment Append(byte[] bytes)
            {
                var next = new Segment(bytes, RunningIndex + Memory.Length);
                Next = next;
                return next;
            }
        }
    }
}
