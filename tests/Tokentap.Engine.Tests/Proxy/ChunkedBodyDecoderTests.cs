// The chunked request body decoder on its own: every split point, extensions, trailers, LF-only, and refusals.
using System.Buffers;
using System.Text;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Tests.Proxy;

public sealed class ChunkedBodyDecoderTests
{
    private const string Encoded = "5;name=value\r\nhello\r\n1A\r\n, this is the second chunk\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
    private const string Decoded = "hello, this is the second chunk";

    [Fact]
    public void Decodes_in_one_piece_and_leaves_the_following_bytes_unused()
    {
        var (body, used, error) = Decode(Encoded, int.MaxValue);

        Assert.False(error.IsError);
        Assert.Equal(Decoded, body);
        Assert.Equal(Encoded.Length - 4, used);
    }

    [Fact]
    public void Decodes_identically_whatever_the_split_points()
    {
        var bytes = Encoding.ASCII.GetBytes(Encoded);
        for (var step = 1; step <= 7; step++)
        {
            var decoder = new ChunkedBodyDecoder(1000);
            var output = new ArrayBufferWriter<byte>();
            var position = 0;
            while (!decoder.IsDone)
            {
                var slice = bytes.AsSpan(position, Math.Min(step, bytes.Length - position));
                position += decoder.Decode(slice, output, out var error);
                Assert.False(error.IsError, error.Message);
            }

            Assert.Equal(Decoded, Encoding.ASCII.GetString(output.WrittenSpan));
            Assert.Equal(bytes.Length - 4, position);
        }
    }

    [Fact]
    public void Accepts_bare_lf_line_ends()
    {
        var (body, _, error) = Decode("3\nabc\n0\n\n", 100);

        Assert.False(error.IsError);
        Assert.Equal("abc", body);
    }

    [Theory]
    [InlineData("Z\r\n", 400)]
    [InlineData(";ext\r\n", 400)]
    [InlineData("3\r\nabcd\r\n", 400)]
    [InlineData("3\rX", 400)]
    [InlineData("3\r\nabc\rX", 400)]
    [InlineData("FFFFFFFFFFFFFFFFF\r\n", 400)]
    [InlineData("0\r\nTrailer\r\r", 400)]
    [InlineData("B\r\n", 413)]
    [InlineData("6\r\nabcdef\r\n5\r\n", 413)]
    public void Refuses_malformed_or_oversized_bodies(string encoded, int status)
    {
        var (_, _, error) = Decode(encoded, 10);

        Assert.Equal(status, error.StatusCode);
    }

    [Fact]
    public void Refuses_a_size_line_over_the_limit()
    {
        var (_, _, error) = Decode("1;" + new string('e', ChunkedBodyDecoder.MaxSizeLineBytes) + "\r\n", 100);

        Assert.Equal(400, error.StatusCode);
    }

    private static (string Body, int Used, HttpParseError Error) Decode(string encoded, long max)
    {
        var decoder = new ChunkedBodyDecoder(max);
        var output = new ArrayBufferWriter<byte>();
        var used = decoder.Decode(Encoding.ASCII.GetBytes(encoded), output, out var error);
        return (Encoding.ASCII.GetString(output.WrittenSpan), used, error);
    }
}
