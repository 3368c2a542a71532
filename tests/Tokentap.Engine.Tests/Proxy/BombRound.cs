// Compression bombs for the proxy's memory tests: the bodies, and one round of parallel streamed calls that checks
// every client received its body byte for byte.
using System.IO.Compression;
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Tests.Proxy;

internal static class BombRound
{
    /// <summary>Zeros compressed on the fly: a gigabyte bomb is about a megabyte of gzip and less of brotli.</summary>
    public static byte[] Compress(string encoding, long decodedBytes)
    {
        using var output = new MemoryStream();
        using (Stream compressing = encoding == "gzip"
            ? new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)
            : new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            var zeros = new byte[1024 * 1024];
            for (long written = 0; written < decodedBytes; written += zeros.Length)
            {
                compressing.Write(zeros);
            }
        }

        return output.ToArray();
    }

    /// <summary>
    /// <paramref name="parallel"/> streamed calls at once, alternately gzip and brotli, of the bodies named
    /// "ENCODING SIZE" (the mock upstream picks them by the X-Encoding and X-Size headers).
    /// </summary>
    public static async Task RunAsync(HttpClient client, Dictionary<string, byte[]> bodies, string size, int parallel)
    {
        var received = await Task.WhenAll(Enumerable.Range(0, parallel).Select(async i =>
        {
            var encoding = i % 2 == 0 ? "gzip" : "br";
            using var request = new HttpRequestMessage(HttpMethod.Post, "https://api.anthropic.com/v1/messages")
            {
                Content = new StringContent("{\"model\":\"claude-sonnet-4-5\",\"stream\":true,\"max_tokens\":10}", Encoding.UTF8, "application/json"),
            };
            request.Headers.TryAddWithoutValidation("Accept-Encoding", "gzip, br");
            request.Headers.TryAddWithoutValidation("X-Encoding", encoding);
            request.Headers.TryAddWithoutValidation("X-Size", size);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(encoding, response.Content.Headers.ContentEncoding.Single());
            return (Expected: SHA256.HashData(bodies[encoding + " " + size]), Actual: SHA256.HashData(await response.Content.ReadAsByteArrayAsync()));
        }));
        Assert.All(received, r => Assert.Equal(r.Expected, r.Actual));
    }
}
