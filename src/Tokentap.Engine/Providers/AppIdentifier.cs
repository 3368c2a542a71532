// Names the calling application: from a request's User-Agent, originator and SDK headers (proxy mode), or from the
// command a run starts (Invoke-TokentapCommand), with one canonical name per tool in both.
using Tokentap.Engine.Proxy;

namespace Tokentap.Engine.Providers;

/// <summary>
/// claude-cli/2.1.197 (...) -> claude-code; originator codex_exec / codex_cli_rs or codex_exec/0.169.0 -> codex;
/// GeminiCLI-tui/0.61.0/model -> gemini-cli; OpenAI/JS 6.49.0 -> openai-node; OpenAI/Python -> openai-python;
/// Anthropic/JS -> anthropic-node; Anthropic/Python -> anthropic-python; Aider's OpenRouter headers or an "aider"
/// User-Agent -> aider; curl/8.5.0 -> curl; google-genai-sdk in x-goog-api-client -> google-genai-node/-python;
/// otherwise the User-Agent's first product, lower-cased. A command gets the name its requests are identified by:
/// claude -> claude-code, gemini -> gemini-cli, codex -> codex, aider -> aider; any other its file name, lower-cased.
/// </summary>
public static class AppIdentifier
{
    /// <summary>Claude Code (the claude command, claude-cli/ User-Agent).</summary>
    internal const string ClaudeCode = "claude-code";

    /// <summary>Codex CLI (the codex command, codex_* originator or User-Agent).</summary>
    internal const string Codex = "codex";

    /// <summary>Gemini CLI (the gemini command, GeminiCLI User-Agent).</summary>
    internal const string GeminiCli = "gemini-cli";

    /// <summary>Aider (the aider command, its OpenRouter headers or User-Agent).</summary>
    internal const string Aider = "aider";

    // The commands that install under another name than the App their requests are identified by.
    private static readonly Dictionary<string, string> CommandApps = new(StringComparer.OrdinalIgnoreCase)
    {
        ["claude"] = ClaudeCode,
        ["gemini"] = GeminiCli,
    };

    /// <summary>
    /// The App for a run of <paramref name="command"/> (a name or path, with or without an extension such as .exe,
    /// .cmd or .ps1): the same name Start-Tokentap gives that tool's requests.
    /// </summary>
    public static string ForCommand(string command)
    {
        var name = Path.GetFileNameWithoutExtension(command.Trim()).ToLowerInvariant();
        return CommandApps.TryGetValue(name, out var app) ? app : name;
    }

    internal static (string? App, string? Version) Identify(HeaderList headers)
    {
        var userAgent = headers.Get("user-agent")?.Trim();
        var originator = headers.Get("originator")?.Trim();

        if (string.Equals(headers.Get("x-title"), "Aider", StringComparison.OrdinalIgnoreCase)
            || (headers.Get("http-referer")?.Contains("aider.chat", StringComparison.OrdinalIgnoreCase) ?? false))
        {
            return (Aider, ProductVersion(userAgent, "aider"));
        }

        if (!string.IsNullOrEmpty(originator) && originator.StartsWith("codex", StringComparison.OrdinalIgnoreCase))
        {
            return (Codex, FirstProductVersion(userAgent));
        }

        if (!string.IsNullOrEmpty(userAgent))
        {
            if (StartsWith(userAgent, "claude-cli/") || StartsWith(userAgent, "claude-code/"))
            {
                return (ClaudeCode, FirstProductVersion(userAgent));
            }

            if (StartsWith(userAgent, "codex"))
            {
                return (Codex, FirstProductVersion(userAgent));
            }

            if (StartsWith(userAgent, "GeminiCLI"))
            {
                return (GeminiCli, FirstProductVersion(userAgent));
            }

            if (userAgent.Contains("aider", StringComparison.OrdinalIgnoreCase))
            {
                return (Aider, ProductVersion(userAgent, "aider"));
            }

            var sdk = Sdk(userAgent);
            if (sdk is not null)
            {
                return sdk.Value;
            }
        }

        var googleClient = headers.Get("x-goog-api-client");
        if (googleClient is not null && googleClient.Contains("google-genai-sdk/", StringComparison.OrdinalIgnoreCase))
        {
            var language = googleClient.Contains("gl-python/", StringComparison.OrdinalIgnoreCase) ? "python" : "node";
            return ($"google-genai-{language}", ProductVersion(googleClient, "google-genai-sdk"));
        }

        if (string.IsNullOrEmpty(userAgent))
        {
            return (null, null);
        }

        var first = userAgent.Split(' ', 2)[0];
        var slash = first.IndexOf('/');
        return slash > 0 ? (first[..slash].ToLowerInvariant(), NullIfEmpty(first[(slash + 1)..])) : (first.ToLowerInvariant(), null);
    }

    // "OpenAI/JS 6.49.0", "AsyncOpenAI/Python 1.99.0", "Anthropic/Python 0.60.0".
    private static (string?, string?)? Sdk(string userAgent)
    {
        var parts = userAgent.Split(' ', 3);
        if (parts.Length < 2)
        {
            return null;
        }

        var app = parts[0].ToLowerInvariant() switch
        {
            "openai/js" => "openai-node",
            "openai/python" or "asyncopenai/python" => "openai-python",
            "openai/go" => "openai-go",
            "anthropic/js" => "anthropic-node",
            "anthropic/python" or "asyncanthropic/python" => "anthropic-python",
            "anthropic/go" => "anthropic-go",
            _ => null,
        };
        return app is null ? null : (app, NullIfEmpty(parts[1]));
    }

    private static bool StartsWith(string text, string prefix) => text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase);

    // The version after the first '/' up to the next '/', ' ' or '('.
    private static string? FirstProductVersion(string? userAgent)
    {
        if (userAgent is null)
        {
            return null;
        }

        var slash = userAgent.IndexOf('/');
        if (slash < 0)
        {
            return null;
        }

        var rest = userAgent[(slash + 1)..];
        var end = rest.IndexOfAny(new[] { '/', ' ', '(', ';' });
        return NullIfEmpty(end < 0 ? rest : rest[..end]);
    }

    private static string? ProductVersion(string? text, string product)
    {
        if (text is null)
        {
            return null;
        }

        var at = text.IndexOf(product + "/", StringComparison.OrdinalIgnoreCase);
        return at < 0 ? null : FirstProductVersion(text[at..]);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
