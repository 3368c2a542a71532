// The proxy's only hand-written HTTP/1.1 framing: request heads from clients and CONNECT answers from proxies.
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Parses HTTP/1.x message heads (RFC 9112). Lines may end in CRLF or a bare LF (section 2.2 lets a recipient
/// accept LF); a CR anywhere else is refused, as are obsolete line folding and whitespace before a field's colon,
/// because a proxy that reads such heads differently from the next hop invites request smuggling.
/// </summary>
internal static class Http1Parser
{
    /// <summary>The largest request head accepted (request line plus fields); more is answered 431.</summary>
    public const int MaxHeadBytes = 64 * 1024;

    /// <summary>The most header fields accepted in one head; more is answered 431.</summary>
    public const int MaxHeaderCount = 256;

    /// <summary>Empty lines tolerated before a request line (section 2.2 asks servers to skip at least one).</summary>
    private const int MaxLeadingEmptyLines = 4;

    private static readonly string[] KnownMethods = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE" };

    /// <summary>
    /// Finds the end of a message head: the index just past the empty line that ends it, or -1 when more bytes are
    /// needed. <paramref name="scanFrom"/> carries the resume position between calls as the buffer grows.
    /// </summary>
    public static int FindHeadEnd(ReadOnlySpan<byte> buffer, ref int scanFrom)
    {
        var i = Math.Max(scanFrom, SkipLeadingEmptyLines(buffer));
        while (i < buffer.Length)
        {
            var lf = buffer[i..].IndexOf((byte)'\n');
            if (lf < 0)
            {
                scanFrom = buffer.Length;
                return -1;
            }

            i += lf;
            if (i + 1 >= buffer.Length)
            {
                scanFrom = i;
                return -1;
            }

            if (buffer[i + 1] == '\n')
            {
                return i + 2;
            }

            if (buffer[i + 1] == '\r')
            {
                if (i + 2 >= buffer.Length)
                {
                    scanFrom = i;
                    return -1;
                }

                if (buffer[i + 2] == '\n')
                {
                    return i + 3;
                }
            }

            i++;
        }

        scanFrom = i;
        return -1;
    }

    /// <summary>
    /// Parses a complete request head (as delimited by <see cref="FindHeadEnd"/>). On a body-framing error (400, 501)
    /// the head is returned together with the error; on any other error the head is null.
    /// </summary>
    public static HttpRequestHead? ParseRequestHead(ReadOnlySpan<byte> head, out HttpParseError error)
    {
        var rest = head[SkipLeadingEmptyLines(head)..];
        if (!TryTakeLine(ref rest, out var requestLine, out error))
        {
            return null;
        }

        if (!TryParseRequestLine(requestLine, out var method, out var target, out var minor, out error))
        {
            return null;
        }

        var headers = new HeaderList();
        if (!TryParseFields(ref rest, headers, out error))
        {
            return null;
        }

        // A framing error still returns the head, so the refusal can be recorded against its host and path.
        TryGetFraming(headers, out var framing, out var contentLength, out error);
        return new HttpRequestHead
        {
            Method = method,
            Target = target,
            MinorVersion = minor,
            Headers = headers,
            BodyFraming = framing,
            ContentLength = contentLength,
        };
    }

    /// <summary>
    /// Parses a response head's status line and fields (used for an upstream proxy's answer to CONNECT).
    /// Returns false for a malformed head.
    /// </summary>
    public static bool TryParseResponseHead(ReadOnlySpan<byte> head, out int statusCode, out string reason, out HeaderList headers)
    {
        statusCode = 0;
        reason = string.Empty;
        headers = new HeaderList();
        var rest = head;
        if (!TryTakeLine(ref rest, out var line, out _))
        {
            return false;
        }

        // HTTP/1.x SP 3DIGIT SP reason (the reason may be empty, and some servers omit the space before it).
        if (line.Length < 12 || !line.StartsWith("HTTP/1."u8) || !IsDigit(line[7]) || line[8] != ' '
            || !IsDigit(line[9]) || !IsDigit(line[10]) || !IsDigit(line[11]) || (line.Length > 12 && line[12] != ' '))
        {
            return false;
        }

        statusCode = ((line[9] - '0') * 100) + ((line[10] - '0') * 10) + (line[11] - '0');
        reason = line.Length > 13 ? Encoding.Latin1.GetString(line[13..]) : string.Empty;
        return TryParseFields(ref rest, headers, out _);
    }

    /// <summary>Splits an authority-form target (host:port, [v6]:port) into host and port; port defaults to 443.</summary>
    public static bool TryParseAuthority(string authority, int defaultPort, out string host, out int port)
    {
        host = string.Empty;
        port = defaultPort;
        if (authority.Length == 0)
        {
            return false;
        }

        string portText;
        if (authority[0] == '[')
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            if (close < 2)
            {
                return false;
            }

            host = authority[1..close];
            var after = authority[(close + 1)..];
            if (after.Length == 0)
            {
                return System.Net.IPAddress.TryParse(host, out _);
            }

            if (after[0] != ':')
            {
                return false;
            }

            portText = after[1..];
            if (!System.Net.IPAddress.TryParse(host, out _))
            {
                return false;
            }
        }
        else
        {
            var colon = authority.LastIndexOf(':');
            if (colon < 0)
            {
                host = authority;
                return IsValidHostName(host);
            }

            host = authority[..colon];
            portText = authority[(colon + 1)..];
            if (!IsValidHostName(host))
            {
                return false;
            }
        }

        return int.TryParse(portText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out port)
            && port is > 0 and <= 65535;
    }

    private static bool IsValidHostName(string host)
    {
        if (host.Length is 0 or > 255)
        {
            return false;
        }

        foreach (var c in host)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_'))
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipLeadingEmptyLines(ReadOnlySpan<byte> buffer)
    {
        var i = 0;
        for (var n = 0; n < MaxLeadingEmptyLines; n++)
        {
            if (i < buffer.Length && buffer[i] == '\n')
            {
                i++;
            }
            else if (i + 1 < buffer.Length && buffer[i] == '\r' && buffer[i + 1] == '\n')
            {
                i += 2;
            }
            else
            {
                break;
            }
        }

        return i;
    }

    /// <summary>Takes one line without its terminator; refuses a CR that does not end the line.</summary>
    private static bool TryTakeLine(ref ReadOnlySpan<byte> rest, out ReadOnlySpan<byte> line, out HttpParseError error)
    {
        error = default;
        var lf = rest.IndexOf((byte)'\n');
        if (lf < 0)
        {
            line = default;
            error = HttpParseError.Malformed("the message head is not terminated");
            return false;
        }

        line = rest[..lf];
        rest = rest[(lf + 1)..];
        if (!line.IsEmpty && line[^1] == '\r')
        {
            line = line[..^1];
        }

        if (line.IndexOf((byte)'\r') >= 0)
        {
            error = HttpParseError.Malformed("a bare CR in the message head");
            return false;
        }

        return true;
    }

    private static bool TryParseRequestLine(ReadOnlySpan<byte> line, out string method, out string target, out int minor, out HttpParseError error)
    {
        method = target = string.Empty;
        minor = 0;
        error = HttpParseError.Malformed("malformed request line");
        var sp1 = line.IndexOf((byte)' ');
        if (sp1 <= 0)
        {
            return false;
        }

        var methodBytes = line[..sp1];
        foreach (var b in methodBytes)
        {
            if (!IsTokenChar(b))
            {
                return false;
            }
        }

        var afterMethod = line[(sp1 + 1)..];
        var sp2 = afterMethod.IndexOf((byte)' ');
        if (sp2 <= 0)
        {
            return false;
        }

        var targetBytes = afterMethod[..sp2];
        foreach (var b in targetBytes)
        {
            if (b is <= 0x20 or >= 0x7F)
            {
                return false;
            }
        }

        var version = afterMethod[(sp2 + 1)..];
        if (version.SequenceEqual("HTTP/1.1"u8))
        {
            minor = 1;
        }
        else if (version.SequenceEqual("HTTP/1.0"u8))
        {
            minor = 0;
        }
        else
        {
            error = version.StartsWith("HTTP/"u8)
                ? HttpParseError.Malformed("only HTTP/1.0 and HTTP/1.1 are supported")
                : HttpParseError.Malformed("malformed request line");
            return false;
        }

        method = InternMethod(methodBytes);
        target = Encoding.ASCII.GetString(targetBytes);
        error = default;
        return true;
    }

    private static bool TryParseFields(ref ReadOnlySpan<byte> rest, HeaderList headers, out HttpParseError error)
    {
        while (true)
        {
            if (!TryTakeLine(ref rest, out var line, out error))
            {
                return false;
            }

            if (line.IsEmpty)
            {
                return true;
            }

            if (line[0] is (byte)' ' or (byte)'\t')
            {
                error = HttpParseError.Malformed("obsolete line folding in a header field");
                return false;
            }

            var colon = line.IndexOf((byte)':');
            if (colon <= 0)
            {
                error = HttpParseError.Malformed("a header field without a name or colon");
                return false;
            }

            var name = line[..colon];
            foreach (var b in name)
            {
                if (!IsTokenChar(b))
                {
                    error = HttpParseError.Malformed("an invalid header field name");
                    return false;
                }
            }

            var value = line[(colon + 1)..].Trim(" \t"u8);
            foreach (var b in value)
            {
                if ((b < 0x20 && b != '\t') || b == 0x7F)
                {
                    error = HttpParseError.Malformed("a control character in a header field value");
                    return false;
                }
            }

            if (headers.Count == MaxHeaderCount)
            {
                error = new HttpParseError(431, $"more than {MaxHeaderCount} header fields");
                return false;
            }

            headers.Add(Encoding.ASCII.GetString(name), Encoding.Latin1.GetString(value));
        }
    }

    /// <summary>RFC 9112 section 6: chunked is the only transfer coding accepted; Content-Length must be unambiguous.</summary>
    private static bool TryGetFraming(HeaderList headers, out RequestBodyFraming framing, out long contentLength, out HttpParseError error)
    {
        framing = RequestBodyFraming.None;
        contentLength = 0;
        error = default;
        string? transferEncoding = null;
        string? lengthText = null;
        foreach (var (name, value) in headers)
        {
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                transferEncoding = transferEncoding is null ? value : transferEncoding + "," + value;
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var part in value.Split(','))
                {
                    var item = part.Trim();
                    if (lengthText is not null && item != lengthText)
                    {
                        error = HttpParseError.Malformed("conflicting Content-Length values");
                        return false;
                    }

                    lengthText = item;
                }
            }
        }

        if (transferEncoding is not null)
        {
            var codings = transferEncoding.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var coding in codings)
            {
                if (!coding.Equals("chunked", StringComparison.OrdinalIgnoreCase))
                {
                    error = new HttpParseError(501, $"transfer coding '{coding}' is not supported");
                    return false;
                }
            }

            if (codings.Length != 1)
            {
                error = HttpParseError.Malformed("malformed Transfer-Encoding");
                return false;
            }

            if (lengthText is not null)
            {
                error = HttpParseError.Malformed("both Transfer-Encoding and Content-Length");
                return false;
            }

            framing = RequestBodyFraming.Chunked;
            return true;
        }

        if (lengthText is not null)
        {
            if (lengthText.Length is 0 or > 18 || !lengthText.All(char.IsAsciiDigit))
            {
                error = HttpParseError.Malformed("invalid Content-Length");
                return false;
            }

            contentLength = long.Parse(lengthText, System.Globalization.CultureInfo.InvariantCulture);
            framing = RequestBodyFraming.ContentLength;
        }

        return true;
    }

    private static string InternMethod(ReadOnlySpan<byte> method)
    {
        foreach (var known in KnownMethods)
        {
            if (method.Length == known.Length && Ascii.Equals(method, known))
            {
                return known;
            }
        }

        return Encoding.ASCII.GetString(method);
    }

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    /// <summary>RFC 9110 tchar.</summary>
    private static bool IsTokenChar(byte b) =>
        b is >= (byte)'a' and <= (byte)'z' or >= (byte)'A' and <= (byte)'Z' or >= (byte)'0' and <= (byte)'9'
            or (byte)'!' or (byte)'#' or (byte)'$' or (byte)'%' or (byte)'&' or (byte)'\'' or (byte)'*' or (byte)'+'
            or (byte)'-' or (byte)'.' or (byte)'^' or (byte)'_' or (byte)'`' or (byte)'|' or (byte)'~';
}
