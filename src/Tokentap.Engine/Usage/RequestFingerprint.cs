// The fingerprint that tells an unchanged repeat of a request from a new one, without keeping the request.
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

    /// <summary>The fingerprint of one request.</summary>
    public static string Compute(string method, string pathAndQuery, ReadOnlySpan<byte> body)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(method.ToUpperInvariant() + " " + pathAndQuery + "\n"));
        hash.AppendData(body);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        return Convert.ToHexString(digest[..Bytes]).ToLowerInvariant();
    }

    /// <summary>The 16 bytes of a well-formed fingerprint as a Guid, for compact storage; null for anything else.</summary>
    internal static Guid? ToGuid(string? fingerprint)
    {
        if (fingerprint is not { Length: Bytes * 2 } || !fingerprint.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        var bytes = Convert.FromHexString(fingerprint);
        return new Guid(bytes);
    }

    /// <summary>The fingerprint stored as <see cref="ToGuid"/> made it.</summary>
    internal static string FromGuid(Guid stored)
    {
        Span<byte> bytes = stackalloc byte[Bytes];
        stored.TryWriteBytes(bytes);
        return Convert.ToHexString(bytes).ToLowerInvariant();
    }
}
