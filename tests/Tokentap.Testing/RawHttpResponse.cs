// A response read by RawHttpConnection.
using System.Text;

namespace Tokentap.Testing;

/// <summary>Status, the status line as sent, header fields in order, and the body bytes.</summary>
public sealed record RawHttpResponse(int StatusCode, string StatusLine, IReadOnlyList<KeyValuePair<string, string>> Headers, byte[] Body)
{
    public string BodyText => Encoding.UTF8.GetString(Body);

    public string? Header(string name) =>
        Headers.FirstOrDefault(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}
