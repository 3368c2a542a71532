// Which hosts the proxy decrypts and observes: exact names and "*.suffix" wildcards, matched case-insensitively.
using System.Globalization;
using System.Net;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// An immutable list of intercepted host patterns. A pattern is a DNS name (api.openai.com) or a wildcard
/// (*.openai.azure.com) that matches any name ending in ".openai.azure.com", at any depth, but not the bare suffix;
/// that is also what the certificate authority's name constraint for the wildcard permits.
/// </summary>
public sealed class InterceptHostList
{
    /// <summary>The hosts intercepted when the user adds none.</summary>
    public static readonly IReadOnlyList<string> DefaultPatterns = new[]
    {
        "api.anthropic.com",
        "api.openai.com",
        "chatgpt.com",
        "generativelanguage.googleapis.com",
        "cloudcode-pa.googleapis.com",
        "*.openai.azure.com",
        "openrouter.ai",
        "api.deepseek.com",
        "api.mistral.ai",
        "api.groq.com",
        "api.x.ai",
        "api.together.xyz",
    };

    private static readonly IdnMapping Idn = new();

    private readonly HashSet<string> _exact;
    private readonly string[] _suffixes;

    public InterceptHostList(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var normalized = new List<string>();
        foreach (var pattern in patterns)
        {
            var p = NormalizePattern(pattern);
            if (!normalized.Contains(p, StringComparer.Ordinal))
            {
                normalized.Add(p);
            }
        }

        Patterns = normalized;
        _exact = new HashSet<string>(normalized.Where(p => !p.StartsWith("*.", StringComparison.Ordinal)), StringComparer.OrdinalIgnoreCase);
        _suffixes = normalized.Where(p => p.StartsWith("*.", StringComparison.Ordinal)).Select(p => p[1..]).ToArray();
    }

    /// <summary>The default list.</summary>
    public static InterceptHostList Default { get; } = new(DefaultPatterns);

    /// <summary>The normalized patterns (lower case, ASCII, no trailing dot), in the order given, without duplicates.</summary>
    public IReadOnlyList<string> Patterns { get; }

    /// <summary>The default list plus the user's additions.</summary>
    public static InterceptHostList WithAdditions(IEnumerable<string>? additions) =>
        new(DefaultPatterns.Concat(additions ?? Array.Empty<string>()));

    /// <summary>True when the host name is intercepted.</summary>
    public bool Matches(string host)
    {
        if (string.IsNullOrEmpty(host))
        {
            return false;
        }

        if (host[^1] == '.')
        {
            host = host[..^1];
        }

        if (_exact.Contains(host))
        {
            return true;
        }

        foreach (var suffix in _suffixes)
        {
            if (host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Lower-cases and validates one pattern; IDN names become their ASCII form. IP addresses are refused: the
    /// certificate authority's name constraints exclude every address, so an address can never be intercepted.
    /// </summary>
    public static string NormalizePattern(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var p = pattern.Trim().TrimEnd('.');
        var wildcard = p.StartsWith("*.", StringComparison.Ordinal);
        var name = wildcard ? p[2..] : p;
        if (name.Length == 0 || IPAddress.TryParse(name.Trim('[', ']'), out _))
        {
            throw new ArgumentException($"'{pattern}' is not a DNS host name (IP addresses cannot be intercepted).", nameof(pattern));
        }

        string ascii;
        try
        {
            ascii = Idn.GetAscii(name).ToLowerInvariant();
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"'{pattern}' is not a valid DNS host name.", nameof(pattern));
        }

        foreach (var label in ascii.Split('.'))
        {
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-' || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                throw new ArgumentException($"'{pattern}' is not a valid DNS host name.", nameof(pattern));
            }
        }

        if (wildcard && !ascii.Contains('.', StringComparison.Ordinal))
        {
            throw new ArgumentException($"'{pattern}' is too broad: a wildcard needs at least two labels after '*.'.", nameof(pattern));
        }

        return wildcard ? "*." + ascii : ascii;
    }
}
