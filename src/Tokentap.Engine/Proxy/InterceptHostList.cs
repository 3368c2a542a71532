// Which hosts the proxy decrypts and observes: exact names and "*.suffix" wildcards, matched case-insensitively, each
// optionally with the wire format the user says it speaks ("api.perplexity.ai=openai-chat").
using Tokentap.Engine.Certificates;

namespace Tokentap.Engine.Proxy;

/// <summary>
/// An immutable list of intercepted host patterns. A pattern is a DNS name (api.openai.com) or a wildcard
/// (*.openai.azure.com) that matches any name ending in ".openai.azure.com", at any depth, but not the bare suffix;
/// that is also what the certificate authority's name constraint for the wildcard permits. An entry may name a wire
/// format after '=' (host=format); the proxy does not interpret it, it hands it to observers with each request.
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

    private readonly HashSet<string> _exact;
    private readonly string[] _suffixes;
    private readonly Dictionary<string, string> _formats = new(StringComparer.Ordinal);

    /// <summary>Builds the list from entries: a pattern, or a pattern, '=' and a wire format name (the first naming wins).</summary>
    /// <exception cref="ArgumentException">An entry's host pattern or format name is not valid (the message names it).</exception>
    public InterceptHostList(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var normalized = new List<string>();
        foreach (var entry in patterns)
        {
            var (p, format) = ParseEntry(entry);
            if (!normalized.Contains(p, StringComparer.Ordinal))
            {
                normalized.Add(p);
            }

            if (format is not null)
            {
                _formats.TryAdd(p, format);
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
    /// The wire format named for the host: its exact pattern's, else the longest matching wildcard's; null when none
    /// was named (or the host is not intercepted).
    /// </summary>
    public string? DeclaredFormat(string host)
    {
        if (_formats.Count == 0 || string.IsNullOrEmpty(host))
        {
            return null;
        }

        host = host.TrimEnd('.').ToLowerInvariant();
        if (_formats.TryGetValue(host, out var exact))
        {
            return exact;
        }

        string? best = null;
        var bestLength = 0;
        foreach (var (pattern, format) in _formats)
        {
            var suffix = pattern.StartsWith("*.", StringComparison.Ordinal) ? pattern[1..] : null;
            if (suffix is not null && host.Length > suffix.Length && host.EndsWith(suffix, StringComparison.Ordinal) && suffix.Length > bestLength)
            {
                best = format;
                bestLength = suffix.Length;
            }
        }

        return best;
    }

    /// <summary>
    /// Splits and validates one entry: "host" or "host=format". The format name is lower-cased and must be letters,
    /// digits and hyphens (which names exist is the observer's business); the host goes through
    /// <see cref="HostPattern.Normalize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The entry is not valid; the message quotes it.</exception>
    public static (string Pattern, string? Format) ParseEntry(string entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var equals = entry.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return (HostPattern.Normalize(entry), null);
        }

        var format = entry[(equals + 1)..].Trim().ToLowerInvariant();
        if (format.Length == 0 || !format.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{entry}' does not name a wire format after '=' (expected host=format, e.g. api.perplexity.ai=openai-chat).");
        }

        if (entry[..equals].Trim().Length == 0)
        {
            throw new ArgumentException($"'{entry}' names no host before '=' (expected host=format, e.g. api.perplexity.ai=openai-chat).");
        }

        return (HostPattern.Normalize(entry[..equals]), format);
    }
}
