// The one map from a wire format to the parser that reads it.
using System.Collections.Frozen;

namespace Tokentap.Engine.Providers;

/// <summary>
/// Which parser reads which <see cref="WireFormat"/>. A format missing here has no parser: the observer counts its
/// requests as unreadable instead of guessing one.
/// </summary>
internal static class UsageParsers
{
    private static readonly FrozenDictionary<WireFormat, Func<ApiRoute, UsageObserverOptions, Action<UsageReport>?, IUsageParser>> ByFormat =
        new Dictionary<WireFormat, Func<ApiRoute, UsageObserverOptions, Action<UsageReport>?, IUsageParser>>
        {
            [WireFormat.AnthropicMessages] = static (_, options, _) => new AnthropicParser(options),
            [WireFormat.OpenAiChat] = static (route, options, _) => new OpenAiChatParser(options, route.ReasoningSeparate),
            [WireFormat.OpenAiResponses] = static (_, options, turnCompleted) => new OpenAiResponsesParser(options, turnCompleted),
            [WireFormat.Gemini] = static (_, options, _) => new GeminiParser(options),
        }.ToFrozenDictionary();

    /// <summary>True when a parser reads <paramref name="format"/>.</summary>
    public static bool Reads(WireFormat format) => ByFormat.ContainsKey(format);

    /// <summary>
    /// A new parser for the route's format. <paramref name="turnCompleted"/> receives each finished turn of a
    /// format that has turns (WebSocket Responses); others ignore it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">No parser reads the format (check <see cref="Reads"/> first).</exception>
    public static IUsageParser Create(ApiRoute route, UsageObserverOptions options, Action<UsageReport>? turnCompleted) =>
        ByFormat.TryGetValue(route.Format, out var create)
            ? create(route, options, turnCompleted)
            : throw new ArgumentOutOfRangeException(nameof(route), route.Format, $"no parser reads the wire format {route.Format} ({route.Provider} {route.Endpoint})");
}
