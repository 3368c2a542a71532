// One client session as the live view's detail screen shows it: its requests and how full its context was each time.
namespace Tokentap.Engine.Live;

/// <summary>A session's requests within the window, newest first, with the context window of its model.</summary>
public sealed record LiveSessionDetail
{
    /// <summary>The client's session id, else the Tokentap session name.</summary>
    public required string Session { get; init; }

    /// <summary>The session's requests in the window, newest first.</summary>
    public IReadOnlyList<UsageEvent> Requests { get; init; } = [];

    /// <summary>The context window of the newest request's model; null when the price table does not know it.</summary>
    public long? ContextWindow { get; init; }

    /// <summary>Prompt previews of the requests near the selection, by event id (empty when capture is off).</summary>
    public IReadOnlyDictionary<Guid, string> Previews { get; init; } = new Dictionary<Guid, string>();
}
