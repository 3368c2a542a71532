// A fact that needs root on Linux (mounting a small tmpfs, acting as another user through setpriv); skipped otherwise.
namespace Tokentap.Engine.Tests;

/// <summary>Runs only as root on Linux; elsewhere the test is skipped with the reason.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!IsRoot)
        {
            Skip = "Needs root on Linux: mounts a small tmpfs or runs a child as another user (nobody) through setpriv.";
        }
    }

    public static bool IsRoot => OperatingSystem.IsLinux() && Environment.UserName == "root";
}
