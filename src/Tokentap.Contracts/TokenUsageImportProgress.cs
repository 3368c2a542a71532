// How far a running Import-TokenUsage has got, for Write-Progress.
namespace Tokentap;

/// <summary>The import's position: the source, files done of files found, bytes read of the file being read.</summary>
public sealed record TokenUsageImportProgress(UsageSource Source, int FilesDone, int Files, string? CurrentFile, long EventsFound);
