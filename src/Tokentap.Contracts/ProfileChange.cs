// The outcome of adding or removing Tokentap's auto-start block in a PowerShell profile.
namespace Tokentap;

/// <summary>One change to a profile file.</summary>
public sealed record ProfileChange(string Path, ProfileChangeAction Action, string? Block);
