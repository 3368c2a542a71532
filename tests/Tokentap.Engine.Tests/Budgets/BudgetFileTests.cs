// budgets.json: round trip, comments and trailing commas, and an error naming the line and position for each kind of mistake.
using System.Text;
using Tokentap.Engine.Budgets;

namespace Tokentap.Engine.Tests.Budgets;

public sealed class BudgetFileTests
{
    [Fact]
    public void A_hand_written_file_with_comments_and_trailing_commas_reads_and_saves_back_the_same()
    {
        var book = Parse("""
            // team limits
            {
              "webhook": "https://hooks.example.com/T1",
              "budgets": [
                { "name": "daily", "amount": 10.5, "period": "day", "action": "block", "thresholds": [100, 50, 80],
                  "timeZone": "Europe/Berlin", "model": "claude-*", "app": ["claude-code", "codex"], },
                { "name": "burst", "amount": 2, "period": "5h" },
              ],
            }
            """);

        Assert.Equal(new Uri("https://hooks.example.com/T1"), book.Webhook);
        Assert.Equal(2, book.Budgets.Count);
        var daily = book.Budgets[0];
        Assert.Equal(("daily", 10.5m, "Day", BudgetAction.Block, "Europe/Berlin"), (daily.Name, daily.Amount, daily.Period.Text, daily.Action, daily.TimeZoneId));
        Assert.Equal([50, 80, 100], daily.Thresholds);
        Assert.Equal("model=claude-* app=claude-code,codex", daily.ScopeText);
        var burst = book.Budgets[1];
        Assert.Equal(("burst", 2m, "5h", BudgetAction.Warn, (string?)null), (burst.Name, burst.Amount, burst.Period.Text, burst.Action, burst.TimeZoneId));
        Assert.Equal([80, 100], burst.Thresholds);
        Assert.Equal("all usage", burst.ScopeText);

        var path = Path.Combine(Directory.CreateTempSubdirectory("tt-budget-file-").FullName, "budgets.json");
        BudgetFile.Save(path, book);
        var again = BudgetFile.Load(path);
        Assert.Equal(book.Webhook, again.Webhook);
        Assert.Equal(book.Budgets.Select(Describe), again.Budgets.Select(Describe));
        if (!OperatingSystem.IsWindows())
        {
            // The webhook URL is a credential: the file is the owner's alone.
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
        }

        Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
    }

    [Fact]
    public void A_missing_or_empty_file_holds_no_budgets()
    {
        Assert.Empty(BudgetFile.Load(Path.Combine(Path.GetTempPath(), Guid.NewGuid().ToString("N"), "budgets.json")).Budgets);
        Assert.Empty(Parse("  \n").Budgets);
    }

    [Theory]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1 }\n    { \"name\": \"b\", \"amount\": 1 }\n  ]\n}", 4, 5, "not valid JSON")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": -3 }\n  ]\n}", 3, 30, "\"amount\" must be more than 0")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1,\n      \"modle\": \"gpt-*\" }\n  ]\n}", 4, 7, "unknown budget member \"modle\"")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1, \"period\": \"fortnight\" }\n  ]\n}", 3, 43, "'fortnight' is not a period")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1, \"timeZone\": \"Mars/Olympus\" }\n  ]\n}", 3, 45, "'Mars/Olympus' is not a time zone")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1, \"thresholds\": [50, 50] }\n  ]\n}", 3, 52, "given once")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1, \"action\": \"Stop\" }\n  ]\n}", 3, 43, "\"action\" must be \"Warn\" or \"Block\"")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\", \"amount\": 1 },\n    { \"name\": \"A\", \"amount\": 2 }\n  ]\n}", 4, 5, "a second budget is named 'A'")]
    [InlineData("{\n  \"budgets\": [\n    { \"amount\": 1 }\n  ]\n}", 3, 5, "this budget has no \"name\"")]
    [InlineData("{\n  \"budgets\": [\n    { \"name\": \"a\" }\n  ]\n}", 3, 5, "budget 'a' has no \"amount\"")]
    [InlineData("[]", 1, 1, "the file must be a JSON object")]
    [InlineData("{ \"budget\": [] }", 1, 3, "unknown member \"budget\"")]
    public void A_bad_file_is_refused_with_its_line_and_position(string text, long line, long position, string problem)
    {
        var error = Assert.Throws<BudgetFileException>(() => Parse(text));
        Assert.Equal((line, position), (error.Line, error.Position));
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith($"budgets.json line {line}, position {position}: ", error.Message, StringComparison.Ordinal);
    }

    private static BudgetBook Parse(string text) => BudgetFile.Parse(Encoding.UTF8.GetBytes(text), "budgets.json");

    private static string Describe(BudgetDefinition d) =>
        $"{d.Name}|{d.Amount}|{d.Period.Text}|{d.Action}|{string.Join(',', d.Thresholds)}|{d.TimeZoneId}|{d.ScopeText}";
}
