// The fingerprint that tells an unchanged repeat of a request from a new one, without keeping the request.
using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Usage;

/// <summary>
/// SHA-256 over the method, the path and query, and the body, cut to its first 128 bits and written as 32 lowercase
/// hex digits. It is computed once on the body the proxy already holds (request bodies are read whole before they are
/// forwarded), so nothing more is buffered and the body itself is never stored.
/// </summary>
public static class RequestFingerprint
{
    private const int Bytes = 16;

    // One hash object per thread, reset by each use: creating one per request (a native context behind a finalizable
    // handle) cost more than hashing a small request.
    [ThreadStatic]
    private static IncrementalHash? t_sha256;

    /// <summary>The fingerprint of one request.</summary>
    public static string Compute(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        var verb = method.ToUpperInvariant();
        var length = Encoding.UTF8.GetByteCount(verb) + 1 + Encoding.UTF8.GetByteCount(pathAndQuery) + 1;
        byte[]? rented = null;
        Span<byte> line = length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(length));
        var at = Encoding.UTF8.GetBytes(verb, line);
        line[at++] = (byte)' ';
        at += Encoding.UTF8.GetBytes(pathAndQuery, line[at..]);
        line[at++] = (byte)'\n';
        Span<byte> digest = stackalloc byte[32];
        var hash = t_sha256 ?? IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        t_sha256 = null;
        try
        {
            hash.AppendData(line[..at]);
            hash.AppendData(body);
            hash.GetHashAndReset(digest);
            t_sha256 = hash;
        }
        finally
        {
            if (t_sha256 is null)
            {
                // Failed part way: the hash may hold a half-hashed request, so it is not used again.
                hash.Dispose();
            }

            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }

        return LowerHex(digest[..Bytes]);
    }

    /// <summary>The 16 bytes of a well-formed fingerprint as a Guid, for compact storage; null for anything else.</summary>
    internal static Guid? ToGuid(string? fingerprint)
    {
        // Runs for every event each time its chunk is encoded: parsed on the stack.
        if (fingerprint is not { Length: Bytes * 2 })
        {
            return null;
        }

        Span<byte> bytes = stackalloc byte[Bytes];
        for (var i = 0; i < Bytes; i++)
        {
            var high = HexDigit(fingerprint[2 * i]);
            var low = HexDigit(fingerprint[2 * i + 1]);
            if ((high | low) < 0)
            {
                return null;
            }

            bytes[i] = (byte)(high << 4 | low);
        }

        return new Guid(bytes);
    }

    private static int HexDigit(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    private static string LowerHex(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = stackalloc char[bytes.Length * 2];
        for (var i = 0; i < bytes.Length; i++)
        {
            chars[2 * i] = "0123456789abcdef"[bytes[i] >> 4];
            chars[2 * i + 1] = "0123456789abcdef"[bytes[i] & 0xF];
        }

        return new string(chars);
    }

    /// <summary>The fingerprint stored as <see cref="ToGuid"/> made it.</summary>
    internal static string FromGuid(Guid stored)
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        stored.TryWriteBytes(bytes);
        return LowerHex(bytes);
    }
}
