// The outcome of adding or removing Tokentap's auto-start block in a PowerShell profile.
namespace Tokentap;

/// <summary>What Enable-TokentapAutoStart or Disable-TokentapAutoStart did to a profile file.</summary>
public enum ProfileChangeAction
{
    Added,
    Updated,
    Unchanged,
    Removed,
    NotPresent,
}

/// <summary>One change to a profile file.</summary>
public sealed record ProfileChange(string Path, ProfileChangeAction Action, string? Block);
