// A snapshot of the export worker's progress.
namespace Tokentap.Engine.Export;

/// <summary>Events exported, the position reached, and the last failure and success.</summary>
public sealed record ExportWorkerStatus(bool Running, long Position, long Exported, string? LastError, DateTime? LastErrorTime, DateTime? LastSuccessTime);
