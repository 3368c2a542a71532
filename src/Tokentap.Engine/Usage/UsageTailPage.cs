// One read of the live tail: the new events and the position to continue from.
namespace Tokentap.Engine.Usage;

/// <summary>
/// Events in store order (oldest first) and the position to pass to the next <see cref="UsageStore.ReadAfter"/>.
/// Positions are a sequence given at commit under the database lock, so they grow in commit order across processes:
/// every event committed after a read gets a position above the one that read returned.
/// </summary>
public sealed record UsageTailPage(IReadOnlyList<UsageEvent> Events, long Position, bool HasMore);
