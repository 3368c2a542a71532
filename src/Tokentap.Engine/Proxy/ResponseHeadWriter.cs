// Serializes an upstream response's status line and headers for the client, hop-by-hop fields removed.
using System.Buffers;
using System.Net.Http;
using System.Text;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// Writes "HTTP/1.1 status reason" and the upstream's end-to-end fields exactly as received (values unparsed), then
/// the framing the proxy uses towards the client. Optionally collects the same fields for the observer.
/// </summary>
internal static class ResponseHeadWriter
{
    /// <summary>
    /// Writes the head into <paramref name="buffer"/> (rented from the shared pool; replaced by a bigger one when needed)
    /// and returns its length.
    /// </summary>
    public static int Write(
        ref byte[] buffer,
        int reserveAfter,
        HttpResponseMessage response,
        bool chunked,
        bool close,
        bool keepUpgrade,
        HeaderList? collect)
    {
        var position = 0;
        var statusCode = (int)response.StatusCode;
        Append(ref buffer, ref position, reserveAfter, "HTTP/1.1 ");
        Append(ref buffer, ref position, reserveAfter, statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Append(ref buffer, ref position, reserveAfter, " ");
        Append(ref buffer, ref position, reserveAfter, response.ReasonPhrase ?? ProxyResponses.ReasonPhrase(statusCode));
        Append(ref buffer, ref position, reserveAfter, "\r\n");

        string? connection = null;
        if (response.Headers.NonValidated.TryGetValues("Connection", out var connectionValues))
        {
            connection = string.Join(",", connectionValues);
        }

        foreach (var header in response.Headers.NonValidated)
        {
            WriteField(ref buffer, ref position, reserveAfter, header.Key, header.Value, connection, chunked, keepUpgrade, collect);
        }

        if (response.Content is { } content)
        {
            foreach (var header in content.Headers.NonValidated)
            {
                WriteField(ref buffer, ref position, reserveAfter, header.Key, header.Value, connection, chunked, keepUpgrade, collect);
            }
        }

        if (chunked)
        {
            Append(ref buffer, ref position, reserveAfter, "Transfer-Encoding: chunked\r\n");
        }

        if (close && !keepUpgrade)
        {
            Append(ref buffer, ref position, reserveAfter, "Connection: close\r\n");
        }

        Append(ref buffer, ref position, reserveAfter, "\r\n");
        return position;
    }

    private static void WriteField(
        ref byte[] buffer,
        ref int position,
        int reserveAfter,
        string name,
        System.Net.Http.Headers.HeaderStringValues values,
        string? connection,
        bool chunked,
        bool keepUpgrade,
        HeaderList? collect)
    {
        if (keepUpgrade && (name.Equals("Connection", StringComparison.OrdinalIgnoreCase) || name.Equals("Upgrade", StringComparison.OrdinalIgnoreCase)))
        {
            // A 101 answer's Connection: Upgrade and Upgrade fields are what the client's handshake checks.
        }
        else if (HopByHopHeaders.IsHopByHop(name, connection, keepUpgrade: true)
            || (chunked && name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
        {
            collect?.Add(name, string.Join(", ", values));
            return;
        }

        foreach (var value in values)
        {
            Append(ref buffer, ref position, reserveAfter, name);
            Append(ref buffer, ref position, reserveAfter, ": ");
            Append(ref buffer, ref position, reserveAfter, value);
            Append(ref buffer, ref position, reserveAfter, "\r\n");
            collect?.Add(name, value);
        }
    }

    private static void Append(ref byte[] buffer, ref int position, int reserveAfter, string text)
    {
        var needed = position + Encoding.Latin1.GetMaxByteCount(text.Length) + reserveAfter;
        if (needed > buffer.Length)
        {
            var bigger = ArrayPool<byte>.Shared.Rent(Math.Max(needed, buffer.Length * 2));
            buffer.AsSpan(0, position).CopyTo(bigger);
            ArrayPool<byte>.Shared.Return(buffer);
            buffer = bigger;
        }

        position += Encoding.Latin1.GetBytes(text, buffer.AsSpan(position));
    }
}
