// The WebSocket frame parser on its own: masking, fragmentation, control frames, lengths, any split, refusals.
using System.Buffers.Binary;
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class WebSocketFrameParserTests
{
    [Fact]
    public void Joins_fragments_skips_interleaved_control_frames_and_unmasks_client_frames()
    {
        var wire = Concat(
            Frame(fin: false, opcode: 1, Encoding.UTF8.GetBytes("{\"type\":\"response.create\","), mask: 0x11223344),
            Frame(fin: true, opcode: 9, "ping"u8.ToArray(), mask: 0x55667788),
            Frame(fin: false, opcode: 0, Encoding.UTF8.GetBytes("\"model\":"), mask: 0x01020304),
            Frame(fin: true, opcode: 0, Encoding.UTF8.GetBytes("\"gpt-5\"}"), mask: 0xA0B0C0D0),
            Frame(fin: true, opcode: 2, new byte[] { 1, 2, 3 }, mask: null),
            Frame(fin: true, opcode: 8, new byte[] { 0x03, 0xE8 }, mask: null));

        var messages = ReadAll(wire, wire.Length);

        Assert.Equal(2, messages.Count);
        Assert.True(messages[0].IsText);
        Assert.Equal("{\"type\":\"response.create\",\"model\":\"gpt-5\"}", Encoding.UTF8.GetString(messages[0].Payload));
        Assert.False(messages[1].IsText);
        Assert.Equal(new byte[] { 1, 2, 3 }, messages[1].Payload);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(125)]
    [InlineData(126)]
    [InlineData(65535)]
    [InlineData(65536)]
    [InlineData(200000)]
    public void Handles_every_length_encoding(int length)
    {
        var payload = Enumerable.Range(0, length).Select(i => (byte)(i * 7)).ToArray();
        var wire = Frame(fin: true, opcode: 2, payload, mask: 0xDEADBEEF);

        var messages = ReadAll(wire, 1000);

        Assert.Equal(payload, Assert.Single(messages).Payload);
    }

    [Fact]
    public void Gives_the_same_messages_whatever_the_split_points()
    {
        var wire = Concat(
            Frame(fin: false, opcode: 1, Encoding.UTF8.GetBytes(new string('a', 300)), mask: 0x12345678),
            Frame(fin: true, opcode: 0, Encoding.UTF8.GetBytes("end"), mask: 0x9ABCDEF0),
            Frame(fin: true, opcode: 1, Encoding.UTF8.GetBytes("second"), mask: null));
        for (var step = 1; step <= 13; step++)
        {
            var messages = ReadAll(wire, step);
            Assert.Equal(new[] { new string('a', 300) + "end", "second" }, messages.Select(m => Encoding.UTF8.GetString(m.Payload)));
        }
    }

    [Fact]
    public void Skips_compressed_and_oversized_messages_and_counts_them()
    {
        var compressed = Frame(fin: true, opcode: 1, new byte[] { 0xF2, 0x48 }, mask: null);
        compressed[0] |= 0x40;
        var wire = Concat(compressed, Frame(fin: true, opcode: 2, new byte[50], mask: null), Frame(fin: true, opcode: 1, "ok"u8.ToArray(), mask: null));
        using var parser = new WebSocketFrameParser(maxMessageBytes: 10);
        var input = (ReadOnlySpan<byte>)wire;
        var texts = new List<string>();

        while (parser.TryReadMessage(ref input, out _, out var payload))
        {
            texts.Add(Encoding.UTF8.GetString(payload));
        }

        Assert.Equal(new[] { "ok" }, texts);
        Assert.Equal(1, parser.SkippedCompressed);
        Assert.Equal(1, parser.SkippedOversize);
        Assert.Null(parser.Error);
    }

    [Theory]
    [InlineData(0, true, "continuation frame without a message")]
    [InlineData(3, true, "reserved opcode")]
    [InlineData(9, false, "malformed control frame")]
    public void Stops_at_protocol_violations(int opcode, bool fin, string error)
    {
        var wire = Concat(Frame(fin, opcode, "x"u8.ToArray(), mask: null), Frame(fin: true, opcode: 1, "after"u8.ToArray(), mask: null));
        using var parser = new WebSocketFrameParser();
        var input = (ReadOnlySpan<byte>)wire;

        Assert.False(parser.TryReadMessage(ref input, out _, out _));
        Assert.Contains(error, parser.Error, StringComparison.Ordinal);
    }

    private static List<(bool IsText, byte[] Payload)> ReadAll(byte[] wire, int step)
    {
        using var parser = new WebSocketFrameParser();
        var messages = new List<(bool, byte[])>();
        for (var position = 0; position < wire.Length; position += step)
        {
            var input = (ReadOnlySpan<byte>)wire.AsSpan(position, Math.Min(step, wire.Length - position));
            while (parser.TryReadMessage(ref input, out var isText, out var payload))
            {
                messages.Add((isText, payload.ToArray()));
            }
        }

        Assert.Null(parser.Error);
        return messages;
    }

    private static byte[] Frame(bool fin, int opcode, byte[] payload, uint? mask)
    {
        var header = new List<byte> { (byte)((fin ? 0x80 : 0) | opcode) };
        var maskBit = mask is null ? 0 : 0x80;
        if (payload.Length < 126)
        {
            header.Add((byte)(maskBit | payload.Length));
        }
        else if (payload.Length <= ushort.MaxValue)
        {
            header.Add((byte)(maskBit | 126));
            var length = new byte[2];
            BinaryPrimitives.WriteUInt16BigEndian(length, (ushort)payload.Length);
            header.AddRange(length);
        }
        else
        {
            header.Add((byte)(maskBit | 127));
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64BigEndian(length, (ulong)payload.Length);
            header.AddRange(length);
        }

        var body = payload.ToArray();
        if (mask is { } key)
        {
            var keyBytes = new byte[4];
            BinaryPrimitives.WriteUInt32BigEndian(keyBytes, key);
            header.AddRange(keyBytes);
            for (var i = 0; i < body.Length; i++)
            {
                body[i] ^= keyBytes[i % 4];
            }
        }

        return header.Concat(body).ToArray();
    }

    private static byte[] Concat(params byte[][] parts) => parts.SelectMany(p => p).ToArray();
}
