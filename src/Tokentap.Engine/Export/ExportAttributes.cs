// What one usage event becomes on the wire: GenAI semantic-convention attributes plus Tokentap's own (never content or keys).
using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Tokentap.Engine.Export;

/// <summary>Attribute lists for the per-request log record and for the metrics, and the resource's user name.</summary>
internal static class ExportAttributes
{
    /// <summary>The event name of the per-request log record.</summary>
    public const string EventName = "tokentap.request";

    /// <summary>The per-request log record's attributes.</summary>
    public static List<KeyValuePair<string, object?>> ForLog(UsageEvent e)
    {
        var attributes = new List<KeyValuePair<string, object?>>
        {
            new("event.name", EventName),
            new("tokentap.event.id", e.Id.ToString("N")),
            new("gen_ai.provider.name", e.Provider),
            new("gen_ai.operation.name", Operation(e.Endpoint)),
            new("gen_ai.usage.input_tokens", e.ContextTokens),
            new("gen_ai.usage.output_tokens", e.OutputTokens),
            new("gen_ai.usage.cache_read.input_tokens", e.CacheReadTokens),
            new("gen_ai.usage.cache_creation.input_tokens", e.CacheWriteTokens),
            new("tokentap.usage.uncached_input_tokens", e.InputTokens),
            new("tokentap.usage.reasoning_tokens", e.ReasoningTokens),
            new("server.address", e.Host),
            new("tokentap.endpoint", e.Endpoint),
            new("http.response.status_code", (long)e.StatusCode),
            new("tokentap.status", e.IsSuccess ? "ok" : "error"),
            new("tokentap.duration_ms", e.DurationMs),
            new("tokentap.streaming", e.Streaming),
            new("tokentap.estimated", e.Estimated),
            new("tokentap.timestamp", e.Timestamp.ToString("O", CultureInfo.InvariantCulture)),
        };
        Add(attributes, "gen_ai.request.model", e.RequestModel);
        Add(attributes, "gen_ai.response.model", e.Model);
        Add(attributes, "gen_ai.response.id", e.MessageId);
        Add(attributes, "tokentap.app", e.App);
        Add(attributes, "tokentap.app.version", e.AppVersion);
        Add(attributes, "tokentap.project", e.Project);
        Add(attributes, "tokentap.session", e.Session);
        Add(attributes, "tokentap.client_session.id", e.ClientSessionId);
        Add(attributes, "gen_ai.response.finish_reasons", e.StopReason);
        if (e.Cost is { } cost)
        {
            attributes.Add(new("tokentap.cost.usd", (double)cost));
        }

        if (e.TimeToFirstByteMs is { } ttfb)
        {
            attributes.Add(new("tokentap.time_to_first_byte_ms", ttfb));
        }

        if (!e.IsSuccess)
        {
            attributes.Add(new("error.type", e.StatusCode == 0 ? "no_response" : e.StatusCode.ToString(CultureInfo.InvariantCulture)));
        }

        return attributes;
    }

    /// <summary>The low-cardinality dimensions every metric point carries.</summary>
    public static KeyValuePair<string, object?>[] ForMetric(UsageEvent e) =>
    [
        new("gen_ai.provider.name", e.Provider),
        new("gen_ai.operation.name", Operation(e.Endpoint)),
        new("gen_ai.request.model", e.RequestModel ?? e.Model ?? ""),
        new("gen_ai.response.model", e.Model ?? ""),
        new("tokentap.app", e.App ?? ""),
        new("tokentap.project", e.Project ?? ""),
    ];

    /// <summary>The user.name resource value, or null when the user is not to be named.</summary>
    public static string? UserName(TokentapExportUser mode, string login) => mode switch
    {
        TokentapExportUser.Off => null,
        TokentapExportUser.Hashed => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(login)))[..16].ToLowerInvariant(),
        _ => login,
    };

    /// <summary>gen_ai.operation.name from the API called: chat, embeddings, generate_content, ...</summary>
    public static string Operation(string endpoint) => endpoint switch
    {
        "embeddings" => "embeddings",
        "generateContent" or "streamGenerateContent" => "generate_content",
        "completions" => "text_completion",
        _ => "chat",
    };

    private static void Add(List<KeyValuePair<string, object?>> attributes, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            attributes.Add(new(name, value));
        }
    }
}
