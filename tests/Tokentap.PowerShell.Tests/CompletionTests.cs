// Tab completion as users get it (TabExpansion2): Watch-TokenUsage's filters from the values in the store, and
// Get-TokentapPrice's -Model and -Provider from the price table, never file names.
using Tokentap;

namespace Tokentap.PowerShell.Tests;

[Collection(ModuleCollection.Name)]
public sealed class CompletionTests(ModuleFixture module)
{
    private readonly string _tag = Guid.NewGuid().ToString("N")[..10];

    [Fact]
    public void Watch_TokenUsage_filters_complete_from_the_store()
    {
        TestPrograms.Seed(Path.Combine(module.Home, "usage.db"),
        [
            new UsageEvent(Guid.NewGuid())
            {
                Timestamp = DateTime.UtcNow,
                Provider = "prov-" + _tag,
                Host = "api.example.com",
                Endpoint = "messages",
                Model = "model-" + _tag,
                App = "app-" + _tag,
                Session = "session-" + _tag,
                Project = "/projects/" + _tag + " two",
                StatusCode = 200,
                RequestId = "completion-" + _tag,
            },
        ]);

        Assert.Equal(["app-" + _tag], Complete("Watch-TokenUsage -App app-" + _tag[..4]));
        Assert.Equal(["model-" + _tag], Complete("Watch-TokenUsage -Model model-" + _tag[..4]));
        Assert.Equal(["prov-" + _tag], Complete("Watch-TokenUsage -Provider prov-" + _tag[..4]));
        Assert.Equal(["session-" + _tag], Complete("Watch-TokenUsage -Once -Session session-" + _tag[..4]));
        Assert.Equal([$"'/projects/{_tag} two'"], Complete("Watch-TokenUsage -Project /projects/" + _tag[..4]));
    }

    [Fact]
    public void Get_TokentapPrice_completes_models_and_providers_from_the_price_table()
    {
        // The table is refreshed from upstream lists: assert what every refresh keeps, not today's exact list.
        var named = Complete("Get-TokentapPrice -Model claude-sonnet-4-");
        var positional = Complete("Get-TokentapPrice claude-sonnet-4-");

        Assert.Contains("claude-sonnet-4-5", named);
        Assert.All(named, m => Assert.StartsWith("claude-sonnet-4-", m, StringComparison.Ordinal));
        Assert.Equal(named.Distinct().Order(StringComparer.Ordinal), named);
        Assert.Equal(named, positional);
        Assert.Equal(["anthropic"], Complete("Get-TokentapPrice -Provider anthr"));
    }

    private string[] Complete(string line) =>
        module.Run("(TabExpansion2 -inputScript $args[0] -cursorColumn $args[0].Length).CompletionMatches | ForEach-Object { $_.CompletionText }", line)
            .ThrowIfFailed().Output.Select(o => (string)o.BaseObject).ToArray();
}
