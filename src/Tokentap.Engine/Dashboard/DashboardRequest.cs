// One HTTP/1.1 request head as the dashboard server reads it: method, path, query values, headers.
using System.Text;

namespace Tokentap.Engine.Dashboard;

/// <summary>
/// A request line and headers, read from the connection up to the blank line. The dashboard is GET-only, so a body is
/// never read. A head over <see cref="MaxHeadBytes"/> or without a valid request line is refused (null).
/// </summary>
internal sealed class DashboardRequest
{
    public const int MaxHeadBytes = 16 * 1024;

    private DashboardRequest(string method, string path, IReadOnlyDictionary<string, string> query, IReadOnlyDictionary<string, string> headers)
    {
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
    }

    public string Method { get; }

    /// <summary>The decoded path without the query string.</summary>
    public string Path { get; }

    /// <summary>Query values by name (the last of repeated names wins); names are case-sensitive.</summary>
    public IReadOnlyDictionary<string, string> Query { get; }

    /// <summary>Header values by name, ignoring case (repeated headers joined with ", ").</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>The query string rebuilt without one name (the token after it was exchanged for a cookie).</summary>
    public string QueryWithout(string name)
    {
        var kept = Query.Where(p => p.Key != name).Select(p => Uri.EscapeDataString(p.Key) + "=" + Uri.EscapeDataString(p.Value)).ToList();
        return kept.Count == 0 ? "" : "?" + string.Join("&", kept);
    }

    /// <summary>Reads a request head; null when the peer closed, sent too much, or sent no valid request line.</summary>
    public static async Task<DashboardRequest?> ReadAsync(Stream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[MaxHeadBytes];
        var filled = 0;
        while (true)
        {
            var end = HeadEnd(buffer.AsSpan(0, filled));
            if (end >= 0)
            {
                return Parse(Encoding.Latin1.GetString(buffer, 0, end));
            }

            if (filled == buffer.Length)
            {
                return null;
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            filled += read;
        }
    }

    /// <summary>Parses a head (request line and header lines, without the final blank line).</summary>
    public static DashboardRequest? Parse(string head)
    {
        var lines = head.Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[2].StartsWith("HTTP/1.", StringComparison.Ordinal) || parts[0].Length == 0 || !parts[1].StartsWith('/'))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                return null;
            }

            var name = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            headers[name] = headers.TryGetValue(name, out var earlier) ? earlier + ", " + value : value;
        }

        var target = parts[1];
        var mark = target.IndexOf('?');
        var path = Uri.UnescapeDataString(mark < 0 ? target : target[..mark]);
        var query = new Dictionary<string, string>(StringComparer.Ordinal);
        if (mark >= 0)
        {
            foreach (var pair in target[(mark + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=');
                var key = Unescape(equals < 0 ? pair : pair[..equals]);
                query[key] = equals < 0 ? "" : Unescape(pair[(equals + 1)..]);
            }
        }

        return new DashboardRequest(parts[0], path, query, headers);
    }

    private static string Unescape(string text) => Uri.UnescapeDataString(text.Replace('+', ' '));

    private static int HeadEnd(ReadOnlySpan<byte> data)
    {
        var index = data.IndexOf("\r\n\r\n"u8);
        return index;
    }
}
