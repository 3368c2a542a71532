// Chooses the parser for a request by host and path; everything not listed (count_tokens, Claude Code's /api/...,
// Codex's model list, Gemini's loadCodeAssist, telemetry) is not billed and gets no parser. Hosts the user added are
// read in the wire format they named, else by the shape of the path.
using System.Text.RegularExpressions;

namespace Tokentap.Engine.Providers;

/// <summary>The registry of billed endpoints (see docs/providers.md for the table).</summary>
internal static partial class ApiRouter
{
    [GeneratedRegex(@"^/(?:v1|v1beta|v1alpha)/(?:models|tunedModels)/([^/:]+):(generateContent|streamGenerateContent)$", RegexOptions.CultureInvariant)]
    private static partial Regex GeminiPath();

    [GeneratedRegex(@"^/v1internal:(generateContent|streamGenerateContent)$", RegexOptions.CultureInvariant)]
    private static partial Regex CodeAssistPath();

    [GeneratedRegex(@"^/openai/deployments/([^/]+)/chat/completions$", RegexOptions.CultureInvariant)]
    private static partial Regex AzureDeploymentChatPath();

    [GeneratedRegex(@"(?:/(?:models|tunedModels)/([^/:]+))?:(generateContent|streamGenerateContent)$", RegexOptions.CultureInvariant)]
    private static partial Regex GeminiShapedPath();

    private static readonly HashSet<string> BuiltInHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "api.anthropic.com", "api.openai.com", "chatgpt.com", "generativelanguage.googleapis.com", "cloudcode-pa.googleapis.com",
        "openrouter.ai", "api.deepseek.com", "api.groq.com", "api.mistral.ai", "codestral.mistral.ai", "api.x.ai",
        "api.together.xyz", "api.together.ai",
    };

    private static readonly string[] BuiltInSuffixes = { ".openai.azure.com", ".cognitiveservices.azure.com", ".services.ai.azure.com" };

    /// <summary>True for the hosts this router has a table for; any other host is one the user added.</summary>
    public static bool IsBuiltInHost(string host)
    {
        host = host.TrimEnd('.');
        if (BuiltInHosts.Contains(host))
        {
            return true;
        }

        foreach (var suffix in BuiltInSuffixes)
        {
            if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The route of a request, or null when it is not a billed LLM call Tokentap reads. <paramref name="declaredFormat"/>
    /// is the wire format named for a host the user added (host=format); built-in hosts keep their own table.
    /// </summary>
    public static ApiRoute? Route(string host, string method, string pathAndQuery, bool isWebSocketUpgrade, string? declaredFormat = null)
    {
        var question = pathAndQuery.IndexOf('?');
        var path = Uri.UnescapeDataString(question < 0 ? pathAndQuery : pathAndQuery[..question]).TrimEnd('/');
        var post = string.Equals(method, "POST", StringComparison.OrdinalIgnoreCase);
        var webSocket = isWebSocketUpgrade && string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase);
        host = host.TrimEnd('.').ToLowerInvariant();
        if (!IsBuiltInHost(host))
        {
            return ExtraHost(host, path, post, webSocket, declaredFormat);
        }

        switch (host)
        {
            case "api.anthropic.com":
                return post && path == "/v1/messages" ? new ApiRoute("anthropic", "messages", WireFormat.AnthropicMessages) : null;
            case "api.openai.com":
                return OpenAi("openai", path, "/v1", post, webSocket);
            case "chatgpt.com":
                return (post || webSocket) && path == "/backend-api/codex/responses"
                    ? new ApiRoute("chatgpt", "responses", WireFormat.OpenAiResponses)
                    : null;
            case "generativelanguage.googleapis.com":
            {
                var match = post ? GeminiPath().Match(path) : Match.Empty;
                return match.Success ? Gemini("google", match.Groups[2].Value, match.Groups[1].Value) : null;
            }

            case "cloudcode-pa.googleapis.com":
            {
                var match = post ? CodeAssistPath().Match(path) : Match.Empty;
                return match.Success ? Gemini("google-code-assist", match.Groups[1].Value, null) : null;
            }

            case "openrouter.ai":
                return OpenAi("openrouter", path, "/api/v1", post, webSocket);
            case "api.deepseek.com":
                if (post && path == "/anthropic/v1/messages")
                {
                    return new ApiRoute("deepseek", "messages", WireFormat.AnthropicMessages);
                }

                return post && path is "/chat/completions" or "/v1/chat/completions" or "/beta/chat/completions"
                    ? new ApiRoute("deepseek", "chat.completions", WireFormat.OpenAiChat, AddsStreamUsage: true)
                    : null;
            case "api.groq.com":
                return OpenAi("groq", path, "/openai/v1", post, webSocket);
            case "api.mistral.ai":
            case "codestral.mistral.ai":
                // Mistral always sends usage in the last chunk and rejects unknown fields: no rewrite.
                return post && path switch
                {
                    "/v1/chat/completions" => true,
                    "/v1/fim/completions" => true,
                    _ => false,
                }
                    ? new ApiRoute("mistral", path.EndsWith("/fim/completions", StringComparison.Ordinal) ? "fim.completions" : "chat.completions", WireFormat.OpenAiChat)
                    : null;
            case "api.x.ai":
                if (post && path == "/v1/messages")
                {
                    return new ApiRoute("xai", "messages", WireFormat.AnthropicMessages);
                }

                return OpenAi("xai", path, "/v1", post, webSocket);
            case "api.together.xyz":
            case "api.together.ai":
                // Together always sends usage in the last chunk: no rewrite.
                return post && path == "/v1/chat/completions" ? new ApiRoute("together", "chat.completions", WireFormat.OpenAiChat) : null;
        }

        if (host.EndsWith(".openai.azure.com", StringComparison.Ordinal) || host.EndsWith(".cognitiveservices.azure.com", StringComparison.Ordinal)
            || host.EndsWith(".services.ai.azure.com", StringComparison.Ordinal))
        {
            var deployment = post ? AzureDeploymentChatPath().Match(path) : Match.Empty;
            if (deployment.Success)
            {
                return new ApiRoute("azure-openai", "chat.completions", WireFormat.OpenAiChat, UrlModel: deployment.Groups[1].Value, AddsStreamUsage: true);
            }

            return path.StartsWith("/openai/v1/", StringComparison.Ordinal)
                ? OpenAi("azure-openai", path, "/openai/v1", post, webSocket)
                : OpenAi("azure-openai", path, "/openai", post, webSocket);
        }

        return null;
    }

    // A host the user added: every POST in the format they named (a WebSocket too, for Responses), else the requests
    // whose path has the shape of a known API. The provider is the host itself; pricing goes by model.
    private static ApiRoute? ExtraHost(string host, string path, bool post, bool webSocket, string? declaredFormat)
    {
        var shaped = ShapedRoute(host, path, post, webSocket);
        if (declaredFormat is null)
        {
            return shaped;
        }

        if (!WireFormatNames.TryParse(declaredFormat, out var format))
        {
            return null;
        }

        if (shaped is not null && shaped.Format == format)
        {
            return shaped;
        }

        if (!post && !(webSocket && format == WireFormat.OpenAiResponses))
        {
            return null;
        }

        return format switch
        {
            WireFormat.AnthropicMessages => new ApiRoute(host, "messages", format),
            WireFormat.OpenAiChat => new ApiRoute(host, "chat.completions", format),
            WireFormat.OpenAiResponses => new ApiRoute(host, "responses", format),
            WireFormat.Gemini => new ApiRoute(host, "generateContent", format),
            _ => null,
        };
    }

    private static ApiRoute? ShapedRoute(string host, string path, bool post, bool webSocket)
    {
        if (post && path.EndsWith("/chat/completions", StringComparison.Ordinal))
        {
            return new ApiRoute(host, "chat.completions", WireFormat.OpenAiChat);
        }

        if (post && path.EndsWith("/v1/messages", StringComparison.Ordinal))
        {
            return new ApiRoute(host, "messages", WireFormat.AnthropicMessages);
        }

        if ((post || webSocket) && path.EndsWith("/v1/responses", StringComparison.Ordinal))
        {
            return new ApiRoute(host, "responses", WireFormat.OpenAiResponses);
        }

        var gemini = post ? GeminiShapedPath().Match(path) : Match.Empty;
        if (gemini.Success)
        {
            var model = gemini.Groups[1].Success ? gemini.Groups[1].Value : null;
            return Gemini(host, gemini.Groups[2].Value, model);
        }

        return null;
    }

    // The OpenAI-shaped endpoints under a base path: chat completions (POST) and responses (POST or WebSocket).
    private static ApiRoute? OpenAi(string provider, string path, string basePath, bool post, bool webSocket)
    {
        if (!path.StartsWith(basePath + "/", StringComparison.Ordinal))
        {
            return null;
        }

        var rest = path[basePath.Length..];
        if (post && rest == "/chat/completions")
        {
            return new ApiRoute(provider, "chat.completions", WireFormat.OpenAiChat,
                AddsStreamUsage: provider is "openai" or "azure-openai" or "openrouter" or "groq" or "xai",
                ReasoningSeparate: provider == "xai");
        }

        if ((post || webSocket) && rest == "/responses")
        {
            return new ApiRoute(provider, "responses", WireFormat.OpenAiResponses);
        }

        return null;
    }

    private static ApiRoute Gemini(string provider, string method, string? urlModel) =>
        new(provider, method, WireFormat.Gemini, UrlModel: urlModel, StreamEndpoint: method == "streamGenerateContent");
}
