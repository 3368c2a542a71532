// Narrows a client's Accept-Encoding to the codings the observer side can decode (gzip, deflate, br).
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// For intercepted hosts only: a provider answering in zstd (which Claude Code offers) would leave the observer blind,
/// so codings other than gzip, deflate, br and identity are dropped from the list, q-values kept.
/// </summary>
internal static class AcceptEncodingFilter
{
    /// <summary>The narrowed value, or null when nothing decodable is left (the field is then dropped: identity).</summary>
    public static string? Narrow(string value)
    {
        var builder = new StringBuilder(value.Length);
        foreach (var part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var semicolon = part.IndexOf(';', StringComparison.Ordinal);
            var coding = (semicolon < 0 ? part : part[..semicolon]).Trim();
            if (coding.Equals("gzip", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("x-gzip", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("deflate", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("br", StringComparison.OrdinalIgnoreCase)
                || coding.Equals("identity", StringComparison.OrdinalIgnoreCase))
            {
                builder.Append(builder.Length == 0 ? string.Empty : ", ").Append(part);
            }
        }

        return builder.Length == 0 ? null : builder.ToString();
    }
}
