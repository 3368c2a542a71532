// The * and ? wildcard matching used by label filters.
using Tokentap.Engine.Usage;

namespace Tokentap.Engine.Tests.Usage;

public sealed class WildcardPatternTests
{
    [Theory]
    [InlineData("claude-*", "claude-sonnet-4-5", true)]
    [InlineData("claude-*", "Claude-Opus", true)]
    [InlineData("claude-*", "xclaude-opus", false)]
    [InlineData("*4?5", "claude-sonnet-4-5", true)]
    [InlineData("*4?5", "claude-sonnet-4-55", false)]
    [InlineData("*", "", true)]
    [InlineData("*", null, true)]
    [InlineData("a*b*c", "aXXbYYbZc", true)]
    [InlineData("a*b*c", "aXXbYYbZ", false)]
    [InlineData("gpt-4o", "GPT-4O", true)]
    [InlineData("gpt-4o", "gpt-4o-mini", false)]
    [InlineData("?", "", false)]
    [InlineData("", null, true)]
    public void Matches_like_powershell_wildcards(string pattern, string? value, bool expected) =>
        Assert.Equal(expected, new WildcardPattern(pattern).IsMatch(value));
}
