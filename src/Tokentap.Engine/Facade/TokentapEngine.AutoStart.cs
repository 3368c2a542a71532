// Facade use cases of Enable- and Disable-TokentapAutoStart: the auto-start block in a PowerShell profile.
using Tokentap.Engine.AutoStart;

namespace Tokentap.Engine.Facade;

public sealed partial class TokentapEngine
{
    /// <summary>Adds (or updates) the block that imports <paramref name="importTarget"/> and starts Tokentap. Throws ProfileWriteFailed.</summary>
    public static ProfileChange EnableAutoStart(string profilePath, string importTarget, string startArguments)
    {
        try
        {
            return ProfileAutoStart.Enable(profilePath, importTarget, startArguments);
        }
        catch (Exception ex) when (EngineFailures.Profile(ex, profilePath) is { } failure)
        {
            throw failure;
        }
    }

    /// <summary>Removes the block. Throws ProfileWriteFailed.</summary>
    public static ProfileChange DisableAutoStart(string profilePath)
    {
        try
        {
            return ProfileAutoStart.Disable(profilePath);
        }
        catch (Exception ex) when (EngineFailures.Profile(ex, profilePath) is { } failure)
        {
            throw failure;
        }
    }
}
