// One piece of a log file read by the importer: the events of its lines and where the next piece starts.
namespace Tokentap.Engine.History;

/// <summary>Events of a run of complete lines, the offset after them, and whether the file has more to read.</summary>
public sealed record LogFileSlice(IReadOnlyList<UsageEvent> Events, long SkippedLines, long EndOffset, bool More);
