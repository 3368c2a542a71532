// What Enable- or Disable-TokentapAutoStart did to a profile file.
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
