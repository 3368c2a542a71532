// Deterministic event ids for imported calls, so a re-import meets the same unique key and is never counted twice.
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.History;

/// <summary>An event id derived from the source and the log's own identifiers of a call.</summary>
public static class LogEventIds
{
    /// <summary>The first 16 bytes of SHA-256 over the source name and the parts, as a Guid.</summary>
    public static Guid For(UsageSource source, params string?[] parts)
    {
        var text = source + "|" + string.Join("|", parts.Select(p => p ?? ""));
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return new Guid(hash[..16]);
    }
}
