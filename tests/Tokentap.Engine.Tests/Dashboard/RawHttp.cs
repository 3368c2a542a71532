// Sends hand-written HTTP/1.1 requests to the dashboard (any Host header, any method) and reads the whole answer.
using System.Net.Sockets;
using System.Text;

namespace Tokentap.Engine.Tests.Dashboard;

internal sealed record RawHttpResponse(int Status, IReadOnlyList<KeyValuePair<string, string>> Headers, string Body)
{
    public string? Header(string name) => Headers.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    public IEnumerable<string> HeaderNames => Headers.Select(h => h.Key);
}

internal static class RawHttp
{
    /// <summary>GET (or <paramref name="method"/>) a target with a Host header and optional extra header lines.</summary>
    public static async Task<RawHttpResponse> SendAsync(int port, string method, string target, string? host, params string[] headers)
    {
        var head = new StringBuilder($"{method} {target} HTTP/1.1\r\n");
        if (host is not null)
        {
            head.Append("Host: ").Append(host).Append("\r\n");
        }

        foreach (var header in headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append("\r\n");
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()));
        using var copy = new MemoryStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await stream.CopyToAsync(copy, timeout.Token);
        return Parse(Encoding.UTF8.GetString(copy.ToArray()));
    }

    public static RawHttpResponse Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1]);
        var headers = lines.Skip(1).Select(l => new KeyValuePair<string, string>(l[..l.IndexOf(':')], l[(l.IndexOf(':') + 1)..].Trim())).ToList();
        return new RawHttpResponse(status, headers, text[(end + 4)..]);
    }
}
