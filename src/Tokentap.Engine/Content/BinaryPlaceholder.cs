// Recognizes base64 payloads (images, PDFs, audio) inside a request and describes them by type and size instead.
using System.Globalization;

namespace Tokentap.Engine.Content;

/// <summary>
/// A JSON string of at least <see cref="MinLength"/> characters that is a data: URI or plain base64 is replaced by
/// <c>[image/png base64, 1.2 MB omitted]</c>: the type from the data: URI or the decoded file's first bytes, the size
/// decoded. Only the string's first bytes are looked at, so a 50 MB image costs nothing to describe.
/// </summary>
internal static class BinaryPlaceholder
{
    /// <summary>Shorter strings are kept as text.</summary>
    public const int MinLength = 1024;

    private const int Probe = 1024;

    private static readonly (string Prefix, string Type)[] Magic =
    [
        ("iVBORw0KGgo", "image/png"),
        ("/9j/", "image/jpeg"),
        ("\\/9j\\/", "image/jpeg"),
        ("R0lGOD", "image/gif"),
        ("UklGR", "image/webp"),
        ("JVBERi0", "application/pdf"),
        ("UEsDB", "application/zip"),
        ("SUQz", "audio/mpeg"),
        ("//u", "audio/mpeg"),
        ("T2dnUw", "audio/ogg"),
        ("AAAA", "video/mp4"),
    ];

    /// <summary>The placeholder for the raw (still JSON-escaped) string, or null when it is not base64.</summary>
    public static string? Describe(ReadOnlySpan<byte> raw)
    {
        if (raw.Length < MinLength)
        {
            return null;
        }

        string? type = null;
        var data = raw;
        if (raw.StartsWith("data:"u8))
        {
            var comma = raw[..Math.Min(raw.Length, 256)].IndexOf((byte)',');
            var header = comma < 0 ? default : raw[5..comma];
            if (comma < 0 || !header.EndsWith(";base64"u8))
            {
                return null;
            }

            type = System.Text.Encoding.ASCII.GetString(header[..^7]);
            data = raw[(comma + 1)..];
        }

        var probe = data[..Math.Min(data.Length, Probe)];
        foreach (var b in probe)
        {
            if (!(b is >= (byte)'A' and <= (byte)'Z' or >= (byte)'a' and <= (byte)'z' or >= (byte)'0' and <= (byte)'9'
                or (byte)'+' or (byte)'/' or (byte)'=' or (byte)'-' or (byte)'_' or (byte)'\\'))
            {
                return null;
            }
        }

        type ??= Sniff(probe);
        return $"[{type} base64, {Size(data.Length / 4L * 3)} omitted]";
    }

    private static string Sniff(ReadOnlySpan<byte> probe)
    {
        foreach (var (prefix, type) in Magic)
        {
            if (probe.StartsWith(System.Text.Encoding.ASCII.GetBytes(prefix)))
            {
                return type;
            }
        }

        return "binary";
    }

    /// <summary>"812 bytes", "4.5 KB", "37.5 MB".</summary>
    public static string Size(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} bytes",
        < 1024 * 1024 => (bytes / 1024.0).ToString("0.#", CultureInfo.InvariantCulture) + " KB",
        _ => (bytes / (1024.0 * 1024)).ToString("0.#", CultureInfo.InvariantCulture) + " MB",
    };
}
