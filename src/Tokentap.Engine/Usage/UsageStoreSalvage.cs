// What was saved from a damaged usage database after it was set aside.
namespace Tokentap.Engine.Usage;

/// <summary>
/// The events copied from a damaged file (set aside) into the fresh store, read page by page so only the damaged
/// pages' events are missing. <see cref="Lost"/> is the shortfall against the file's own hourly counts (those that
/// could be read), so it is a lower bound when the counts themselves were damaged.
/// </summary>
public sealed record UsageStoreSalvage(string DatabasePath, string DamagedFile, DateTime TimeUtc, long Saved, long Lost, string? Error)
{
    /// <summary>The message to show the user.</summary>
    public string Message => Error is null
        ? $"Salvaged {Saved} events from the damaged usage database '{DamagedFile}' into '{DatabasePath}'; {Lost} could not be read."
        : $"Salvaging the damaged usage database '{DamagedFile}' stopped after {Saved} events: {Error}";
}
