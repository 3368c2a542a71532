// Codex CLI's cumulative token counts of a session, as its token_count and token_usage_record lines carry them.
namespace Tokentap.Engine.History;

/// <summary>One cumulative (or per-response) usage record of Codex CLI: input includes cached input.</summary>
public sealed record CodexTotals(long Input, long Cached, long CacheWrite, long Output, long Reasoning, long Total)
{
    /// <summary>This minus an earlier cumulative record; null when any part went down (the counter was reset).</summary>
    public CodexTotals? Minus(CodexTotals? earlier)
    {
        if (earlier is null)
        {
            return this;
        }

        var delta = new CodexTotals(Input - earlier.Input, Cached - earlier.Cached, CacheWrite - earlier.CacheWrite, Output - earlier.Output, Reasoning - earlier.Reasoning, Total - earlier.Total);
        return delta.Input < 0 || delta.Cached < 0 || delta.CacheWrite < 0 || delta.Output < 0 || delta.Reasoning < 0 || delta.Total < 0 ? null : delta;
    }
}
