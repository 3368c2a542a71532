// The events the child process writes: numbered, so the parent can check exactly which ones are stored.
using System.Globalization;

namespace Tokentap.TestProcess;

/// <summary>Builds the numbered event "prefix-index" with fixed, index-derived numbers.</summary>
public static class TestEvents
{
    private static readonly DateTime Start = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    public static UsageEvent Create(string prefix, int index) => new()
    {
        Timestamp = Start.AddMilliseconds(index * 250L),
        Provider = "anthropic",
        Host = "api.anthropic.com",
        Endpoint = "messages",
        Model = index % 2 == 0 ? "claude-sonnet-4-5" : "claude-haiku-4-5",
        InputTokens = 10 + index % 7,
        OutputTokens = 100,
        Cost = 0.001m,
        StatusCode = 200,
        DurationMs = 1000,
        App = "test-" + prefix,
        Session = prefix,
        RequestId = prefix + "-" + index.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The index in a request id written by <see cref="Create"/>.</summary>
    public static int IndexOf(UsageEvent usageEvent)
    {
        var id = usageEvent.RequestId ?? throw new ArgumentException("Not a test event.", nameof(usageEvent));
        return int.Parse(id[(id.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
    }
}
