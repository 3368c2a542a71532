// An engine failure classified for the user: a stable error id, a category and the object it concerns.
namespace Tokentap;

/// <summary>
/// The one way the engine facade reports a failure the user should see. The engine classifies its own exceptions in one
/// place (Tokentap.Engine.Facade.EngineFailures); the module turns this into an ErrorRecord with the same id, category
/// and target, and never needs an engine exception type. <see cref="Exception.InnerException"/> keeps the cause.
/// </summary>
public sealed class TokentapException : Exception
{
    public TokentapException(string errorId, TokentapErrorCategory category, string message, object? target = null, Exception? innerException = null, bool stopsCommand = false)
        : base(message, innerException)
    {
        ErrorId = errorId;
        Category = category;
        Target = target;
        StopsCommand = stopsCommand;
    }

    /// <summary>The stable error id (the first part of FullyQualifiedErrorId), e.g. DatabaseBusy or PortInUse.</summary>
    public string ErrorId { get; }

    /// <summary>The kind of failure.</summary>
    public TokentapErrorCategory Category { get; }

    /// <summary>What the failure concerns: a path, a port, a scope, a name the user gave.</summary>
    public object? Target { get; }

    /// <summary>True when the command cannot go on (a terminating error); false when it reports it and continues.</summary>
    public bool StopsCommand { get; }
}
