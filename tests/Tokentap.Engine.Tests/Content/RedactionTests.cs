// Redaction of every secret shape in realistic prompts, the user's own patterns, and text that must stay as it is.
using Tokentap.Engine.Content;

namespace Tokentap.Engine.Tests.Content;

public sealed class RedactionTests
{
    public static TheoryData<int> Corpus() => new(Enumerable.Range(0, SecretCorpus.All.Length));

    [Theory]
    [MemberData(nameof(Corpus))]
    public void Each_secret_shape_is_redacted_inside_a_realistic_prompt(int index)
    {
        var (kind, secret, prompt) = SecretCorpus.All[index];

        var redacted = Redaction.BuiltIn.Apply(prompt);

        Assert.DoesNotContain(secret, redacted, StringComparison.Ordinal);
        Assert.True(redacted.Contains($"[REDACTED:{kind}]", StringComparison.Ordinal), redacted);
    }

    [Fact]
    public void Variable_names_and_header_names_are_kept_so_the_prompt_still_reads()
    {
        Assert.Equal(
            "DATABASE_HOST=db.internal\nDATABASE_PASSWORD=[REDACTED:env-secret]\nDEBUG=false",
            Redaction.BuiltIn.Apply("DATABASE_HOST=db.internal\nDATABASE_PASSWORD=hunter2-hunter2\nDEBUG=false"));
        Assert.Equal("Authorization: [REDACTED:authorization]", Redaction.BuiltIn.Apply("Authorization: Bearer abcdef123456"));
    }

    [Fact]
    public void Ordinary_text_and_code_are_left_alone()
    {
        const string text = "Basic usage: call sk() then ask the token counter. The password field is validated on submit.\n" +
            "for (var i = 0; i < items.Length; i++) { total += items[i].Cost; }\nThe AKIA prefix marks AWS access keys.";

        Assert.Equal(text, Redaction.BuiltIn.Apply(text));
    }

    [Fact]
    public void Extra_patterns_from_content_json_are_redacted_too()
    {
        var settings = ContentSettingsFile.Parse("""{ "enabled": true, "redactPatterns": ["ACME-[0-9]{8}"] }""", "content.json");
        var redaction = new Redaction(settings.RedactPatterns);

        Assert.Equal("ticket [REDACTED:custom] is open", redaction.Apply("ticket ACME-20261206 is open"));
    }

    [Fact]
    public void A_bad_pattern_in_content_json_names_the_file_and_the_pattern()
    {
        var error = Assert.Throws<InvalidDataException>(() => ContentSettingsFile.Parse("""{ "redactPatterns": ["(unclosed"] }""", "content.json"));

        Assert.StartsWith("content.json: redactPatterns entry '(unclosed' is not a valid regular expression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pattern_that_is_not_a_string_is_named_as_such()
    {
        var error = Assert.Throws<InvalidDataException>(() => ContentSettingsFile.Parse("""{ "redactPatterns": [42] }""", "content.json"));

        Assert.Equal("content.json: 'redactPatterns' must be a list of strings (regular expressions).", error.Message);
    }
}
