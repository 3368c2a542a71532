// The wildcard matching used by label filters: PowerShell's WildcardPattern semantics (about_Wildcards), ignoring case.
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

    // The examples of about_Wildcards, each with what it matches and what it does not.
    [Theory]
    [InlineData("a*", "aA", true)]
    [InlineData("a*", "ag", true)]
    [InlineData("a*", "Apple", true)]
    [InlineData("a*", "banana", false)]
    [InlineData("?n", "an", true)]
    [InlineData("?n", "in", true)]
    [InlineData("?n", "on", true)]
    [InlineData("?n", "ran", false)]
    [InlineData("[a-l]ook", "book", true)]
    [InlineData("[a-l]ook", "cook", true)]
    [InlineData("[a-l]ook", "look", true)]
    [InlineData("[a-l]ook", "took", false)]
    [InlineData("[bc]ook", "book", true)]
    [InlineData("[bc]ook", "cook", true)]
    [InlineData("[bc]ook", "hook", false)]
    [InlineData("12`*4", "12*4", true)]
    [InlineData("12`*4", "1234", false)]
    [InlineData("`[abc`].txt", "[abc].txt", true)]
    [InlineData("`[abc`].txt", "a.txt", false)]
    [InlineData("[a-m]*.com", "bing.com", true)]
    [InlineData("[a-m]*.com", "yahoo.com", false)]
    public void Matches_the_examples_of_about_wildcards(string pattern, string value, bool expected) =>
        Assert.Equal(expected, new WildcardPattern(pattern).IsMatch(value));

    // The corners of PowerShell's parser: escapes, set members that look special, case, and the literal fast path.
    [Theory]
    [InlineData("claude-[os]*", "Claude-Opus-4", true)]
    [InlineData("claude-[os]*", "claude-haiku", false)]
    [InlineData("[A-C]at", "bat", true)]
    [InlineData("[a-c]AT", "Cat", true)]
    [InlineData("[]a]", "]", true)]
    [InlineData("[]a]", "A", true)]
    [InlineData("[]a]", "b", false)]
    [InlineData("[a-]", "-", true)]
    [InlineData("[-a]", "-", true)]
    [InlineData("[a`-c]", "b", false)]
    [InlineData("[a`-c]", "-", true)]
    [InlineData("[*?]", "?", true)]
    [InlineData("[*?]", "x", false)]
    [InlineData("a`?", "a?", true)]
    [InlineData("a`?", "ab", false)]
    [InlineData("``", "`", true)]
    [InlineData("a`", "a`", true)]
    [InlineData("`", "", true)]
    [InlineData("`", "`", false)]
    [InlineData("gpt-`4o", "GPT-4O", true)]
    [InlineData("a]", "a]", true)]
    [InlineData("m-[0-9][0-9]", "m-42", true)]
    [InlineData("m-[0-9][0-9]", "m-4", false)]
    public void Follows_powershell_for_sets_escapes_and_case(string pattern, string value, bool expected) =>
        Assert.Equal(expected, new WildcardPattern(pattern).IsMatch(value));

    [Theory]
    [InlineData("claude-[os")]
    [InlineData("[]")]
    [InlineData("a[`]")]
    [InlineData("[z-a]")]
    public void Refuses_patterns_powershell_refuses_naming_them(string pattern)
    {
        var error = Assert.Throws<ArgumentException>(() => new WildcardPattern(pattern));
        Assert.Contains($"'{pattern}'", error.Message, StringComparison.Ordinal);
    }
}
