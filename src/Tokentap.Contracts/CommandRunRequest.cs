// What Invoke-TokentapCommand asks of the engine: which program runs, and how its events are tagged.
namespace Tokentap;

/// <summary>Options for one run (Tokentap.Engine.Facade.TokentapEngine.RunCommand).</summary>
public sealed record CommandRunRequest
{
    /// <summary>The program's file name (claude, codex.exe, ...): gives the default App.</summary>
    public required string CommandName { get; init; }

    /// <summary>The App events are tagged with; null: the tool's canonical App (claude -> claude-code).</summary>
    public string? App { get; init; }

    /// <summary>The Project events are tagged with.</summary>
    public required string Project { get; init; }
}
