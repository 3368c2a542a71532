// A half-open range of UTC ticks: what the scanner plans and reads.
namespace Tokentap.Engine.Usage;

/// <summary>A half-open UTC tick range [Start, End).</summary>
internal readonly record struct TickRange(long Start, long End);
