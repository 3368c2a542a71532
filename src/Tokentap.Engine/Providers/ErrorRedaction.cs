// Removes credentials from error text before it is stored: the request's own secrets and known key shapes.
using System.Text;
using System.Text.RegularExpressions;
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// An upstream may echo the request in its error (gateways and OpenAI-compatible servers do), so error text is
/// stored only after this: every credential header value and query value of the request is replaced wherever it
/// appears, then anything shaped like a key (sk-..., AIza..., Bearer tokens, JWTs, AWS access keys, key= parameters),
/// then the text is capped at <see cref="MaxLength"/>. The secrets live in this object only, never in an event.
/// </summary>
internal sealed partial class ErrorRedaction
{
    /// <summary>The longest error text stored (after redaction, so a cut can never leave part of a secret).</summary>
    public const int MaxLength = 500;

    /// <summary>What replaces each secret.</summary>
    public const string Mask = "[redacted]";

    // Shorter values (alt=sse, beta=true, theme=dark in a cookie) are not secrets, and replacing them would mangle the text.
    private const int MinimumSecretLength = 8;

    private static readonly HashSet<string> CredentialHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "authorization", "proxy-authorization", "x-api-key", "x-goog-api-key", "api-key", "cookie", "set-cookie",
        "x-auth-token", "x-amz-security-token", "chatgpt-account-id", "openai-organization", "openai-project",
    };

    private readonly string[] _secrets;

    private ErrorRedaction(string[] secrets) => _secrets = secrets;

    [GeneratedRegex(@"(?i)\b(bearer|basic)\s+[A-Za-z0-9._~+/\-]+=*", RegexOptions.CultureInvariant)]
    private static partial Regex SchemeToken();

    [GeneratedRegex(@"eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    [GeneratedRegex(@"\b(?:sk-[A-Za-z0-9_\-]{12,}|AIza[0-9A-Za-z_\-]{30,}|(?:AKIA|ASIA)[0-9A-Z]{16}|gh[pousr]_[A-Za-z0-9]{30,}|xai-[A-Za-z0-9]{20,})", RegexOptions.CultureInvariant)]
    private static partial Regex KeyShape();

    [GeneratedRegex(@"(?i)\b((?:api[_\-]?key|key|access_token|token|secret|password|sig)=)[^&\s""'<>,;]+", RegexOptions.CultureInvariant)]
    private static partial Regex KeyParameter();

    /// <summary>Collects the request's credential header values and query values (plain and percent-decoded).</summary>
    public static ErrorRedaction For(ExchangeRequest request)
    {
        var secrets = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, value) in request.Headers)
        {
            if (!CredentialHeaders.Contains(name))
            {
                continue;
            }

            AddSecret(secrets, value.Trim());
            var space = value.Trim().IndexOf(' ', StringComparison.Ordinal);
            if (space > 0)
            {
                AddSecret(secrets, value.Trim()[(space + 1)..].Trim());
            }

            foreach (var part in value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var equals = part.IndexOf('=', StringComparison.Ordinal);
                AddSecret(secrets, equals >= 0 ? part[(equals + 1)..] : part);
            }
        }

        var query = request.PathAndQuery.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            foreach (var pair in request.PathAndQuery[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var equals = pair.IndexOf('=', StringComparison.Ordinal);
                if (equals >= 0)
                {
                    AddSecret(secrets, pair[(equals + 1)..]);
                }
            }
        }

        // Longest first, so a value that contains another is replaced whole.
        return new ErrorRedaction(secrets.OrderByDescending(s => s.Length).ToArray());
    }

    /// <summary>The text with every secret replaced by <see cref="Mask"/>, capped at <see cref="MaxLength"/>.</summary>
    public string? Apply(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text;
        }

        var builder = new StringBuilder(text);
        foreach (var secret in _secrets)
        {
            builder.Replace(secret, Mask);
        }

        var redacted = builder.ToString();
        redacted = SchemeToken().Replace(redacted, m => m.Groups[1].Value + " " + Mask);
        redacted = Jwt().Replace(redacted, Mask);
        redacted = KeyShape().Replace(redacted, Mask);
        redacted = KeyParameter().Replace(redacted, m => m.Groups[1].Value + Mask);
        return redacted.Length > MaxLength ? redacted[..MaxLength] : redacted;
    }

    private static void AddSecret(HashSet<string> secrets, string value)
    {
        if (value.Length < MinimumSecretLength)
        {
            return;
        }

        secrets.Add(value);
        foreach (var decoded in new[] { Uri.UnescapeDataString(value), Uri.UnescapeDataString(value.Replace('+', ' ')) })
        {
            if (decoded.Length >= MinimumSecretLength)
            {
                secrets.Add(decoded);
            }
        }
    }
}
