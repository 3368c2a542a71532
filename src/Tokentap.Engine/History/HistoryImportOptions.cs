// What one history import is asked to do: which agents, which folders, whether to write.
namespace Tokentap.Engine.History;

/// <summary>Options of <see cref="HistoryImporter.Import"/>.</summary>
public sealed record HistoryImportOptions
{
    /// <summary>The folders (or files) to read; null: each agent's default folders.</summary>
    public IReadOnlyList<string>? Paths { get; init; }

    /// <summary>Count only: nothing is written, no checkpoint moves.</summary>
    public bool WhatIf { get; init; }

    /// <summary>Events handed to the store at a time (a checkpoint can move after each batch).</summary>
    public int BatchEvents { get; init; } = 5000;

    /// <summary>Called after each file (on the importing thread).</summary>
    public Action<TokenUsageImportProgress>? Progress { get; init; }
}
