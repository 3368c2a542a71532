// What a billed request is: which provider and API, which parser reads it, and the quirks of its host.
namespace Tokentap.Engine.Providers;

/// <summary>A recognized billed endpoint.</summary>
/// <param name="Provider">The UsageEvent provider (anthropic, openai, azure-openai, chatgpt, google, ...).</param>
/// <param name="Endpoint">The UsageEvent endpoint (messages, chat.completions, responses, generateContent, ...).</param>
/// <param name="Format">The parser to use.</param>
/// <param name="UrlModel">The model or deployment named by the URL (Gemini, Azure deployments), else null.</param>
/// <param name="StreamEndpoint">The endpoint always streams (streamGenerateContent).</param>
/// <param name="AddsStreamUsage">The host accepts stream_options.include_usage (the Chat Completions rewrite applies).</param>
/// <param name="ReasoningSeparate">The host reports reasoning tokens outside completion_tokens when total_tokens does not say (xAI).</param>
internal sealed record ApiRoute(
    string Provider,
    string Endpoint,
    WireFormat Format,
    string? UrlModel = null,
    bool StreamEndpoint = false,
    bool AddsStreamUsage = false,
    bool ReasoningSeparate = false);
