// The outcome of writing one batch of events.
namespace Tokentap.Engine.Usage;

/// <summary>What one committed write did: events added, events skipped because their unique key was already stored,
/// the store positions given to the added events (0 when none was added), and the stored events an import linked to
/// their conversation in the same transaction.</summary>
public sealed record UsageWriteResult(int Inserted, int Duplicates, long FirstPosition, long LastPosition, int Linked = 0);
