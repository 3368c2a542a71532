// Notice of one batch committed by the recorder's writer.
namespace Tokentap.Engine.Usage;

/// <summary>A batch the writer has on disk: its number, its events and what the store did with them.</summary>
public sealed record UsageBatchCommit(long BatchNumber, IReadOnlyList<UsageEvent> Events, UsageWriteResult Result);
