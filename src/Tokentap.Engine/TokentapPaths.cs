// Where Tokentap keeps its files: $TOKENTAP_HOME, else ~/.tokentap.

namespace Tokentap.Engine;

/// <summary>The data folder and the well-known files in it.</summary>
public sealed class TokentapPaths
{
    public const string HomeVariable = "TOKENTAP_HOME";

    public TokentapPaths(string home) => Home = Path.GetFullPath(home);

    /// <summary>The data folder.</summary>
    public string Home { get; }

    /// <summary>The certificate authority folder.</summary>
    public string CaDirectory => Path.Combine(Home, "ca");

    /// <summary>The usage database.</summary>
    public string DatabasePath => Path.Combine(Home, "usage.db");

    /// <summary>User price overrides merged over the embedded table.</summary>
    public string PriceOverridesPath => Path.Combine(Home, "prices.json");

    /// <summary>
    /// Creates the data folder readable by the owner only (0700 on Unix, an owner-only ACL on Windows), and tightens a
    /// folder an earlier version created open to other local users.
    /// </summary>
    public void EnsureHome()
    {
        OwnerOnlyFile.EnsureDirectory(Home);
        OwnerOnlyFile.RestrictToOwner(Home);
    }

    /// <summary>The paths for the current environment: $TOKENTAP_HOME when set, else ~/.tokentap.</summary>
    public static TokentapPaths FromEnvironment()
    {
        var home = Environment.GetEnvironmentVariable(HomeVariable);
        if (string.IsNullOrWhiteSpace(home))
        {
            home = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".tokentap");
        }

        return new TokentapPaths(home);
    }
}
