// The outcome of importing a sequence of events.
namespace Tokentap.Engine.Usage;

/// <summary>Events added and events skipped because an event with the same unique key was already stored.</summary>
public sealed record UsageImportResult(long Imported, long Duplicates);
