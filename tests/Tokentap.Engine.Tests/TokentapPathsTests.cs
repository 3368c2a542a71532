// Tests for where Tokentap keeps its files.
using Tokentap.Engine;

namespace Tokentap.Engine.Tests;

public sealed class TokentapPathsTests
{
    [Fact]
    public void Files_live_under_the_home_folder()
    {
        var home = Path.Combine(Path.GetTempPath(), "tt-paths");
        var paths = new TokentapPaths(home);

        Assert.Equal(Path.Combine(home, "usage.db"), paths.DatabasePath);
        Assert.Equal(Path.Combine(home, "ca"), paths.CaDirectory);
        Assert.Equal(Path.Combine(home, "prices.json"), paths.PriceOverridesPath);
    }
}
